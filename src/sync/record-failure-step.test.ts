import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSyncHarness, type SyncHarness, testToken } from '../../test/support/sync-harness.ts';
import { checkStep } from './check-step.ts';
import { extractStep } from './extract-step.ts';
import { promoteStep } from './promote-step.ts';
import { recordFailureStep } from './record-failure-step.ts';
import { syncRepository } from './sync-repository.ts';
import type { CheckOutput, ReleaseRun } from './sync-step-schemas.ts';
import { addRepo, overTheWire, publish, stepContext, v1Files, v2Files } from './sync-steps.test-support.ts';

let harness: SyncHarness;
beforeEach(async () => {
  harness = await createSyncHarness();
  await addRepo(harness, 'acme/demo');
  await publish(harness, 'acme/demo', [['v1.0.0', v1Files]]);
  const repo = await harness.catalog.getRepo('acme/demo');
  if (!repo) throw new Error('the demo repo is missing');
  await syncRepository(repo, stepContext(harness));
  await publish(harness, 'acme/demo', [
    ['v1.0.0', v1Files],
    ['v2.0.0', v2Files],
  ]);
});
afterEach(async () => {
  await harness.close();
});

/** How a Step Functions `Catch` hands on an error a Lambda threw. */
function lambdaError(error: Error) {
  return { Error: error.name, Cause: JSON.stringify({ errorMessage: error.message, errorType: error.name }) };
}

async function checkedRun(runId: string): Promise<ReleaseRun> {
  const checked = overTheWire(
    await checkStep({ repoId: 'acme/demo', runId }, stepContext(harness)),
  ) as CheckOutput;
  if (!checked.newRelease) throw new Error('expected a new release');
  return checked;
}

/** Whether a live process other than this run could take the repository's lock now. */
async function lockIsFree(): Promise<boolean> {
  const holder = { token: 'probe:1', pid: 1, host: 'probe', acquiredAt: new Date().toISOString() };
  const attempt = await harness.catalog.tryLock('sync:acme/demo', holder);
  if (attempt.acquired) await harness.catalog.releaseLock('sync:acme/demo', holder.token);
  return attempt.acquired;
}

describe('record-failure', () => {
  it("records an extract failure on the repository and the run, repairs the layout and releases the run's lock", async () => {
    const checked = await checkedRun('doomed');
    harness.github.removeArchive('acme', 'demo', 'v2.0.0');
    const error = await extractStep(checked, stepContext(harness)).catch((caught: Error) => caught);
    expect(error).toBeInstanceOf(Error);
    await harness.store.put('current/acme/demo/v2.0.0/half-written.txt', 'left by a dead promote');
    expect(await lockIsFree()).toBe(false);

    const recorded = await recordFailureStep(
      overTheWire({ ...checked, error: lambdaError(error as Error) }),
      stepContext(harness),
    );
    expect(recorded).toEqual({
      repoId: 'acme/demo',
      runId: 'doomed',
      result: expect.objectContaining({ status: 'failed', tag: null, previousTag: 'v1.0.0', files: 0 }),
    });
    expect(recorded.result.error).toMatch(/v2\.0\.0/);
    expect(await harness.catalog.getRepo('acme/demo')).toMatchObject({
      version: 'v1.0.0',
      status: 'failed',
      error: recorded.result.error,
    });
    const [run] = await harness.catalog.listSyncRuns({ repoId: 'acme/demo', limit: 1 });
    expect(run).toMatchObject({ id: 'doomed', status: 'failed', error: recorded.result.error });
    expect((await harness.keys('current/')).every((key) => key.startsWith('current/acme/demo/v1.0.0/'))).toBe(
      true,
    );
    expect(await harness.keys('staging/')).toEqual([]);
    expect(await lockIsFree()).toBe(true);
  });

  it('is idempotent: a second call changes nothing and answers the same', async () => {
    const checked = await checkedRun('twice');
    const input = { ...checked, error: { Error: 'UpstreamError', Cause: 'GitHub answered 502' } };
    const first = await recordFailureStep(input, stepContext(harness));
    const runsBefore = await harness.catalog.listSyncRuns({ repoId: 'acme/demo' });
    const second = await recordFailureStep(input, stepContext(harness));
    expect({ ...second.result, durationMs: 0 }).toEqual({ ...first.result, durationMs: 0 });
    expect(await harness.catalog.listSyncRuns({ repoId: 'acme/demo' })).toEqual(runsBefore);
    expect(await lockIsFree()).toBe(true);
  });

  it('leaves a repository another process holds alone, and does not release that lock', async () => {
    const other = { token: 'other:1', pid: 4242, host: 'build-box', acquiredAt: new Date().toISOString() };
    await harness.catalog.tryLock('sync:acme/demo', other);
    const item = { repoId: 'acme/demo', runId: 'blocked', force: false };
    const error = await checkStep(item, stepContext(harness)).catch((caught: Error) => caught);
    expect((error as Error).message).toMatch(/process 4242 on build-box/);
    const before = await harness.catalog.getRepo('acme/demo');
    const recorded = await recordFailureStep(
      { ...item, error: lambdaError(error as Error) },
      stepContext(harness),
    );
    expect(recorded.result).toMatchObject({
      status: 'failed',
      previousTag: 'v1.0.0',
      error: expect.stringMatching(/4242/),
    });
    expect(await harness.catalog.getRepo('acme/demo')).toEqual(before);
    expect(await harness.catalog.tryLock('sync:acme/demo', { ...other, token: 'x' })).toMatchObject({
      acquired: false,
      holder: { token: 'other:1' },
    });
  });

  it('after a lock was taken over, a later step stops with a clear conflict and the new holder is left alone', async () => {
    const checked = await checkedRun('overtaken');
    const context = stepContext(harness);
    await harness.catalog.breakLock('sync:acme/demo', checked.lockToken);
    await harness.catalog.tryLock('sync:acme/demo', {
      token: 'newcomer:1',
      pid: 77,
      host: 'other-host',
      acquiredAt: new Date().toISOString(),
    });
    const error = await extractStep(checked, context).catch((caught: Error) => caught);
    expect((error as Error).message).toMatch(/process 77 on other-host .* lost it/);
    const recorded = await recordFailureStep({ ...checked, error: lambdaError(error as Error) }, context);
    expect(recorded.result.status).toBe('failed');
    expect(await harness.catalog.getRepo('acme/demo')).toMatchObject({
      status: 'updated',
      version: 'v1.0.0',
    });
    const [run] = await harness.catalog.listSyncRuns({ repoId: 'acme/demo', limit: 1 });
    expect(run).toMatchObject({ id: 'overtaken', status: 'failed' });
  });

  it('changes nothing for a failure after promote (the release is in place)', async () => {
    const checked = await checkedRun('promoted');
    const promoted = await promoteStep(
      await extractStep(checked, stepContext(harness)),
      stepContext(harness),
    );
    const recorded = await recordFailureStep(
      { ...promoted, error: { Error: 'States.Timeout' } },
      stepContext(harness),
    );
    expect(recorded.result).toEqual(promoted.result);
    expect(await harness.catalog.getRepo('acme/demo')).toMatchObject({
      version: 'v2.0.0',
      status: 'updated',
    });
  });

  it('never stores or logs a token that reached an error message', async () => {
    const checked = await checkedRun('secret');
    const recorded = await recordFailureStep(
      { ...checked, error: { Error: 'UpstreamError', Cause: `request with ${testToken} failed` } },
      stepContext(harness),
    );
    expect(recorded.result.error).toBe('request with [redacted] failed');
    expect(JSON.stringify(await harness.catalog.listSyncRuns())).not.toContain(testToken);
    expect(harness.logger.text()).not.toContain(testToken);
  });
});

describe('steps given a payload that does not match the catalog', () => {
  it('leaves a promoted run as updated when record-failure comes after it', async () => {
    const checked = await checkedRun('promoted');
    const extracted = await extractStep(checked, stepContext(harness));
    const promoted = await promoteStep(overTheWire(extracted), stepContext(harness));
    await recordFailureStep(
      overTheWire({ ...extracted, error: { Error: 'States.Timeout' } }),
      stepContext(harness),
    );
    expect(await harness.catalog.getRepo('acme/demo')).toMatchObject({
      version: 'v2.0.0',
      status: 'updated',
    });
    const [run] = await harness.catalog.listSyncRuns({ repoId: 'acme/demo', limit: 1 });
    expect(run).toMatchObject({ id: 'promoted', status: 'updated', tag: promoted.result.tag });
  });

  it('refuses to extract a run no check started, leaving the lock free', async () => {
    const checked = await checkedRun('real');
    await recordFailureStep(overTheWire({ ...checked, error: { Error: 'Stop' } }), stepContext(harness));
    const forged = { ...checked, runId: 'never-started', lockToken: 'forged' };
    await expect(extractStep(forged, stepContext(harness))).rejects.toMatchObject({ name: 'ConflictError' });
    expect(await lockIsFree()).toBe(true);
  });

  it('does not mark another repository failed from a payload naming a run it never had', async () => {
    await addRepo(harness, 'acme/other');
    await recordFailureStep(
      { repoId: 'acme/other', runId: 'not-a-run', lockToken: 'whatever', error: { Error: 'Forged' } },
      stepContext(harness),
    );
    expect(await harness.catalog.getRepo('acme/other')).toMatchObject({ status: null, error: null });
  });

  it('refuses the tags . and .., which would name folders rather than a release', async () => {
    const checked = await checkedRun('dots');
    for (const tag of ['.', '..']) {
      const input = { ...checked, release: { ...checked.release, tag } };
      await expect(extractStep(input, stepContext(harness))).rejects.toMatchObject({
        name: 'ValidationError',
      });
    }
  });
});
