import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSyncHarness, type SyncHarness } from '../../test/support/sync-harness.ts';
import type { RepoRecord } from '../core/ports/catalog.ts';
import { syncAll } from './sync-all.ts';
import {
  addRepo,
  layoutOf,
  overTheWire,
  publish,
  stepContext,
  v1Files,
  v2Files,
} from './sync-steps.test-support.ts';
import { syncSteps } from './sync-steps.ts';
import type { ReleaseIndexReport, SyncResult, SyncStepContext } from './sync-types.ts';

let harness: SyncHarness;
beforeEach(async () => {
  harness = await createSyncHarness();
});
afterEach(async () => {
  await harness.close();
});

/** An indexer that records what it was asked to index. */
function fakeIndexer(indexed: string[]) {
  return async (repo: RepoRecord): Promise<ReleaseIndexReport> => {
    indexed.push(`${repo.id}@${repo.version}`);
    return {
      source: `github:${repo.id}`,
      version: repo.version ?? '',
      indexed: repo.files,
      unchanged: 0,
      removed: 0,
      chunks: 7,
    };
  };
}

/**
 * Runs one repository's steps as a state machine would: each in turn, every hand-over through JSON text,
 * a failure going to record-failure with the failed step's input and the error.
 */
async function runLikeStepFunctions(
  item: unknown,
  context: SyncStepContext,
): Promise<Record<string, unknown>> {
  let input: unknown = item;
  try {
    const checked = overTheWire(await syncSteps.check(input, context)) as { newRelease: boolean };
    if (!checked.newRelease) return checked as Record<string, unknown>;
    input = checked;
    input = overTheWire(await syncSteps.extract(input, context));
    input = overTheWire(await syncSteps.promote(input, context));
  } catch (error) {
    const failure = {
      Error: (error as Error).name,
      Cause: JSON.stringify({ errorMessage: (error as Error).message }),
    };
    return overTheWire(
      await syncSteps['record-failure']({ ...(input as object), error: failure }, context),
    ) as Record<string, unknown>;
  }
  const indexed = overTheWire(await syncSteps.index(input, context));
  return overTheWire(await syncSteps.notify(indexed, context)) as Record<string, unknown>;
}

/** Everything but the timing, which differs from run to run. */
function withoutTiming(result: unknown): unknown {
  const { durationMs: _ignored, ...rest } = result as SyncResult;
  return rest;
}

describe('sync steps with JSON in and out', () => {
  it('runs a new release through every step, each output valid input for the next', async () => {
    await addRepo(harness, 'acme/demo');
    await publish(harness, 'acme/demo', [['v1.0.0', v1Files]]);
    const indexed: string[] = [];
    let filled = 0;
    const context = stepContext(harness, {
      indexRelease: fakeIndexer(indexed),
      fillVectors: async () => {
        filled += 1;
      },
    });

    const listed = overTheWire(await syncSteps.list({}, context)) as { repos: unknown[] };
    expect(listed).toEqual({ repos: [{ repoId: 'acme/demo', runId: expect.any(String), force: false }] });
    const checked = overTheWire(await syncSteps.check(listed.repos[0], context));
    expect(checked).toMatchObject({
      newRelease: true,
      repoId: 'acme/demo',
      previousTag: null,
      release: { tag: 'v1.0.0', archive: { kind: 'tarball', format: 'tar.gz' } },
    });
    expect(await harness.keys('')).toEqual([]);

    const extracted = overTheWire(await syncSteps.extract(checked, context));
    expect(extracted).toMatchObject({ extracted: { files: 3, skipped: 0, rootFolder: 'acme-demo-v100' } });
    expect(await harness.keys('current/')).toEqual([]);
    expect(await harness.keys('staging/')).toHaveLength(4);

    const promoted = overTheWire(await syncSteps.promote(extracted, context));
    expect(promoted).toEqual({
      repoId: 'acme/demo',
      runId: expect.any(String),
      result: expect.objectContaining({ status: 'updated', tag: 'v1.0.0', previousTag: null, files: 3 }),
    });
    expect(await harness.keys('')).toEqual([
      'current/acme/demo/v1.0.0/README.md',
      'current/acme/demo/v1.0.0/docs/guide.md',
      'current/acme/demo/v1.0.0/src/index.ts',
    ]);
    expect(harness.events).toEqual([]);

    const afterIndex = overTheWire(await syncSteps.index(promoted, context));
    expect(afterIndex).toMatchObject({
      index: { status: 'indexed', report: { version: 'v1.0.0', chunks: 7 } },
    });
    expect(indexed).toEqual(['acme/demo@v1.0.0']);
    const notified = overTheWire(await syncSteps.notify(afterIndex, context));
    expect(notified).toMatchObject({ notified: true, index: { status: 'indexed' } });
    expect(harness.events).toEqual([expect.objectContaining({ repo: 'acme/demo', tag: 'v1.0.0', files: 3 })]);

    const vectors = await syncSteps['fill-vectors']({ results: [notified] }, context);
    expect(vectors).toEqual({ vectors: 'filled' });
    expect(filled).toBe(1);
    expect(await harness.catalog.getRepo('acme/demo')).toMatchObject({
      version: 'v1.0.0',
      status: 'updated',
      files: 3,
    });
  });

  it('ends at the check when nothing is new, with the lock released and the run recorded', async () => {
    await addRepo(harness, 'acme/demo');
    await publish(harness, 'acme/demo', [['v1.0.0', v1Files]]);
    const context = stepContext(harness);
    await runLikeStepFunctions({ repoId: 'acme/demo', runId: 'first' }, context);
    const settled = await runLikeStepFunctions({ repoId: 'acme/demo', runId: 'second' }, context);
    expect(settled).toEqual({
      newRelease: false,
      repoId: 'acme/demo',
      runId: 'second',
      result: expect.objectContaining({ status: 'unchanged', tag: 'v1.0.0', files: 3, error: null }),
    });
    const [run] = await harness.catalog.listSyncRuns({ repoId: 'acme/demo', limit: 1 });
    expect(run).toMatchObject({ id: 'second', status: 'unchanged' });
    expect(await harness.catalog.tryLock('sync:acme/demo', otherHolder())).toEqual({ acquired: true });
  });

  it('gives the same results, layout, catalog and events as the in-process runner', async () => {
    for (const id of ['acme/chain', 'acme/runner']) {
      await addRepo(harness, id);
      await publish(harness, id, [['v1.0.0', v1Files]]);
    }
    const context = stepContext(harness);
    const chained: unknown[] = [await runLikeStepFunctions({ repoId: 'acme/chain', runId: 'c1' }, context)];
    const [first] = await syncAll(context, { concurrency: 1, repoId: 'acme/runner' });
    for (const id of ['acme/chain', 'acme/runner'])
      await publish(harness, id, [
        ['v1.0.0', v1Files],
        ['v2.0.0', v2Files],
      ]);
    chained.push(await runLikeStepFunctions({ repoId: 'acme/chain', runId: 'c2' }, context));
    chained.push(await runLikeStepFunctions({ repoId: 'acme/chain', runId: 'c3' }, context));
    const [second] = await syncAll(context, { concurrency: 1, repoId: 'acme/runner' });
    const [third] = await syncAll(context, { concurrency: 1, repoId: 'acme/runner' });

    const chainResults = chained.map((output) => withoutTiming((output as { result: SyncResult }).result));
    const runnerResults = [first, second, third].map((result) => ({
      ...(withoutTiming(result) as object),
      id: 'acme/chain',
    }));
    expect(chainResults).toEqual(runnerResults);
    expect(chainResults.map((result) => (result as SyncResult).status)).toEqual([
      'updated',
      'updated',
      'unchanged',
    ]);
    expect(await layoutOf(harness, 'acme/chain')).toEqual(await layoutOf(harness, 'acme/runner'));
    const record = async (id: string) => {
      const {
        id: _id,
        modified: _modified,
        lastCheckedAt: _checked,
        etag: _etag,
        ...rest
      } = (await harness.catalog.getRepo(id)) as RepoRecord;
      return rest;
    };
    expect(await record('acme/chain')).toEqual(await record('acme/runner'));
    const eventsOf = (id: string) =>
      harness.events
        .filter((event) => event.repo === id)
        .map(({ tag, previousTag, files, bytes }) => ({ tag, previousTag, files, bytes }));
    expect(eventsOf('acme/chain')).toEqual(eventsOf('acme/runner'));
    expect(await harness.keys('staging/')).toEqual([]);
  });
});

/** A lock holder for another live process. */
function otherHolder() {
  return { token: 'other:1', pid: 4242, host: 'elsewhere', acquiredAt: new Date().toISOString() };
}
