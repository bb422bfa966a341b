import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildSourceTarball } from '../../test/support/source-tarball.ts';
import { createSyncHarness, type SyncHarness } from '../../test/support/sync-harness.ts';
import { checkStep } from './check-step.ts';
import { extractStep } from './extract-step.ts';
import { notifyStep } from './notify-step.ts';
import { promoteStep } from './promote-step.ts';
import { syncRepository } from './sync-repository.ts';
import type { CheckOutput, ExtractedRun, ReleaseRun } from './sync-step-schemas.ts';
import {
  addRepo,
  dyingMidMove,
  failingAfterPuts,
  overTheWire,
  publish,
  stepContext,
  v1Files,
  v2Files,
} from './sync-steps.test-support.ts';

let harness: SyncHarness;
beforeEach(async () => {
  harness = await createSyncHarness();
  await addRepo(harness, 'acme/demo');
  await publish(harness, 'acme/demo', [['v1.0.0', v1Files]]);
  const repo = await harness.catalog.getRepo('acme/demo');
  if (!repo) throw new Error('the demo repo is missing');
  expect(await syncRepository(repo, stepContext(harness))).toMatchObject({ status: 'updated' });
  await publish(harness, 'acme/demo', [
    ['v1.0.0', v1Files],
    ['v2.0.0', v2Files],
  ]);
});
afterEach(async () => {
  await harness.close();
});

const v1Keys = [
  'current/acme/demo/v1.0.0/README.md',
  'current/acme/demo/v1.0.0/docs/guide.md',
  'current/acme/demo/v1.0.0/src/index.ts',
];
const v2Keys = [
  'current/acme/demo/v2.0.0/README.md',
  'current/acme/demo/v2.0.0/src/index.ts',
  'current/acme/demo/v2.0.0/src/more.ts',
  'current/acme/demo/v2.0.0/src/new.ts',
];

function tarballDownloads(): number {
  return harness.github.requests.filter((request) => request.path.includes('tarball')).length;
}

async function checkedRun(runId: string): Promise<ReleaseRun> {
  const checked = overTheWire(
    await checkStep({ repoId: 'acme/demo', runId }, stepContext(harness)),
  ) as CheckOutput;
  if (!checked.newRelease) throw new Error('expected a new release');
  return checked;
}

async function extractedRun(runId: string): Promise<ExtractedRun> {
  return overTheWire(await extractStep(await checkedRun(runId), stepContext(harness))) as ExtractedRun;
}

/** The catalog still names v1, `current/` holds v1 whole, and the run's lock is still held. */
async function expectLastCompleteVersion(): Promise<void> {
  expect(await harness.catalog.getRepo('acme/demo')).toMatchObject({ version: 'v1.0.0' });
  expect((await harness.keys('current/acme/demo/v1.0.0/')).length).toBe(3);
}

describe('each step invoked twice with the same input', () => {
  it('check: a retried check is the same run, keeps its lock and answers the same', async () => {
    const first = await checkedRun('twice');
    const second = await checkedRun('twice');
    expect({ ...second, startedAt: first.startedAt }).toEqual(first);
    expect(second.startedAt).toBe(first.startedAt);
    const runs = await harness.catalog.listSyncRuns({ repoId: 'acme/demo' });
    expect(runs.filter((run) => run.id === 'twice')).toHaveLength(1);
  });

  it('check: once its run has finished, a repeated check returns the recorded result without asking GitHub', async () => {
    await publish(harness, 'acme/demo', [['v1.0.0', v1Files]]);
    const context = stepContext(harness);
    const first = await checkStep({ repoId: 'acme/demo', runId: 'settled' }, context);
    const requests = harness.github.requests.length;
    expect(await checkStep({ repoId: 'acme/demo', runId: 'settled' }, context)).toEqual(overTheWire(first));
    expect(harness.github.requests.length).toBe(requests);
  });

  it('extract: the second call finds the marker and downloads nothing', async () => {
    const checked = await checkedRun('extract-twice');
    const first = await extractStep(checked, stepContext(harness));
    const downloads = tarballDownloads();
    expect(await extractStep(checked, stepContext(harness))).toEqual(first);
    expect(tarballDownloads()).toBe(downloads);
  });

  it('promote: the second call is a no-op returning the same result', async () => {
    const extracted = await extractedRun('promote-twice');
    const first = await promoteStep(extracted, stepContext(harness));
    const keys = await harness.keys('');
    expect(await promoteStep(extracted, stepContext(harness))).toEqual(first);
    expect(await harness.keys('')).toEqual(keys);
    expect(keys.filter((key) => key.startsWith('current/'))).toEqual(v2Keys);
    expect(keys.filter((key) => key.startsWith('archived/'))).toHaveLength(3);
  });

  it('notify: delivery is at least once, so a second call sends the event again', async () => {
    const promoted = await promoteStep(await extractedRun('notify-twice'), stepContext(harness));
    const before = harness.events.length;
    await notifyStep(promoted, stepContext(harness));
    await notifyStep(promoted, stepContext(harness));
    expect(harness.events.slice(before).map((event) => event.tag)).toEqual(['v2.0.0', 'v2.0.0']);
  });
});

describe('a step killed part-way, then retried', () => {
  it('extract dies after a few files: current/ keeps v1, and the retry extracts the whole release', async () => {
    const checked = await checkedRun('killed-extract');
    const dying = stepContext(harness, { store: failingAfterPuts(harness.store, 2) });
    await expect(extractStep(checked, dying)).rejects.toThrow(/simulated crash/);
    await expectLastCompleteVersion();
    const retried = await extractStep(checked, stepContext(harness));
    expect(retried.extracted.files).toBe(4);
    await promoteStep(retried, stepContext(harness));
    expect(await harness.keys('current/')).toEqual(v2Keys);
    expect(await harness.keys('staging/')).toEqual([]);
  });

  it('extract stopped by its signal mid-download: nothing is promoted, and the retry completes', async () => {
    const big = Object.fromEntries(
      Array.from({ length: 200 }, (_, index) => [`file-${index}.txt`, `${index}`.repeat(2000)]),
    );
    const body = await buildSourceTarball('acme-demo-big', big);
    harness.github.setRepo('acme', 'demo', {
      releases: [{ tag: 'v1.0.0' }, { tag: 'v3.0.0' }],
      archives: { 'v3.0.0': { body, throttleBytesPerSecond: Math.ceil(body.length / 2) } },
    });
    const checked = await checkedRun('stopped-extract');
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('the Lambda is out of time')), 300);
    await expect(extractStep(checked, stepContext(harness, { signal: controller.signal }))).rejects.toThrow(
      /out of time/,
    );
    await expectLastCompleteVersion();
    harness.github.setRepo('acme', 'demo', {
      releases: [{ tag: 'v1.0.0' }, { tag: 'v3.0.0' }],
      archives: { 'v3.0.0': { body } },
    });
    const retried = await extractStep(checked, stepContext(harness));
    expect(retried.extracted.files).toBe(200);
    expect((await promoteStep(retried, stepContext(harness))).result).toMatchObject({
      tag: 'v3.0.0',
      files: 200,
    });
  });

  it('promote dies before archiving the old version: the catalog keeps v1 and the retry finishes', async () => {
    const extracted = await extractedRun('killed-archive');
    let moves = 0;
    const store = Object.assign(Object.create(harness.store), {
      movePrefix: async (from: string, to: string) => {
        moves += 1;
        if (moves === 2) throw new Error('simulated crash before archiving');
        return harness.store.movePrefix(from, to);
      },
    });
    await expect(promoteStep(extracted, stepContext(harness, { store }))).rejects.toThrow(/simulated crash/);
    await expectLastCompleteVersion();
    const promoted = await promoteStep(extracted, stepContext(harness));
    expect(promoted.result).toMatchObject({
      status: 'updated',
      tag: 'v2.0.0',
      previousTag: 'v1.0.0',
      files: 4,
    });
    expect(await harness.keys('current/')).toEqual(v2Keys);
    expect(await harness.keys('archived/')).toEqual(
      v1Keys.map((key) => key.replace('current/', 'archived/')),
    );
    expect(await harness.keys('staging/')).toEqual([]);
  });

  it('promote dies in the middle of an S3-style move to current/: the retry merges the rest, losing nothing', async () => {
    const extracted = await extractedRun('killed-move');
    const dying = stepContext(harness, { store: dyingMidMove(harness.store, 1, 2) });
    await expect(promoteStep(extracted, dying)).rejects.toThrow(/simulated crash/);
    await expectLastCompleteVersion();
    await promoteStep(extracted, stepContext(harness));
    expect(await harness.keys('current/')).toEqual(v2Keys);
    expect(await harness.keys('staging/')).toEqual([]);
    expect(await harness.catalog.getRepo('acme/demo')).toMatchObject({ version: 'v2.0.0', files: 4 });
  });

  it('promote dies in the middle of moving v1 to archived/: the retry completes archived/ from what is left', async () => {
    const extracted = await extractedRun('killed-archiving');
    const dying = stepContext(harness, { store: dyingMidMove(harness.store, 2, 1) });
    await expect(promoteStep(extracted, dying)).rejects.toThrow(/simulated crash/);
    expect(await harness.catalog.getRepo('acme/demo')).toMatchObject({ version: 'v1.0.0' });
    await promoteStep(extracted, stepContext(harness));
    expect(await harness.keys('current/')).toEqual(v2Keys);
    expect(await harness.keys('archived/')).toEqual(
      v1Keys.map((key) => key.replace('current/', 'archived/')),
    );
  });

  it('promote refuses a run whose extraction never completed', async () => {
    const checked = await checkedRun('not-extracted');
    const unextracted = { ...checked, extracted: { files: 4, bytes: 10, skipped: 0, rootFolder: null } };
    await expect(promoteStep(unextracted, stepContext(harness))).rejects.toThrow(/not completely extracted/);
    await expectLastCompleteVersion();
  });
});
