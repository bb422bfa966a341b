import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSyncHarness, type SyncHarness } from '../../test/support/sync-harness.ts';
import { silentLogger } from '../core/ports/logger.ts';
import { confirmRunLock, lockRepositoryForRun, probeRunLock, releaseRunLock } from './run-lock.ts';

let harness: SyncHarness;
beforeEach(async () => {
  harness = await createSyncHarness();
});
afterEach(async () => {
  await harness.close();
});

const resource = 'sync:acme/demo';
const other = { token: 'other:1', pid: 4242, host: 'build-box', acquiredAt: new Date().toISOString() };

describe('the lock a sync run carries across steps', () => {
  it('is taken once per run: a retried check of the same run gets the same token, another run a conflict', async () => {
    const { lock } = harness.context();
    const token = await lockRepositoryForRun(harness.catalog, 'acme/demo', 'run-a', lock);
    expect(await lockRepositoryForRun(harness.catalog, 'acme/demo', 'run-a', lock)).toBe(token);
    // Another process (another Lambda) retrying the same run's check finds it too.
    const elsewhere = { ...lock, instance: 'another-container', host: 'sandbox-2' };
    expect(await lockRepositoryForRun(harness.catalog, 'ACME/Demo', 'run-a', elsewhere)).toBe(token);
    await expect(lockRepositoryForRun(harness.catalog, 'acme/demo', 'run-b', lock)).rejects.toThrow(
      /Repository acme\/demo is being synced by process/,
    );
    await confirmRunLock(
      harness.catalog,
      { repoId: 'acme/demo', runId: 'run-a', lockToken: token },
      elsewhere,
      silentLogger,
    );
    await releaseRunLock(harness.catalog, 'acme/demo', token, silentLogger);
    expect(await harness.catalog.tryLock(resource, other)).toEqual({ acquired: true });
  });

  it('takes over a lock older than the lock timeout, with a token that releases it', async () => {
    const { lock } = harness.context();
    await harness.catalog.tryLock(resource, { ...other, acquiredAt: '2020-01-01T00:00:00.000Z' });
    const token = await lockRepositoryForRun(harness.catalog, 'acme/demo', 'run-c', lock);
    expect(await probeRunLock(harness.catalog, 'acme/demo', 'run-c', lock)).toEqual({ state: 'held', token });
    await releaseRunLock(harness.catalog, 'acme/demo', token, silentLogger);
    expect(await harness.catalog.tryLock(resource, other)).toEqual({ acquired: true });
  });

  it('takes a lapsed lock again if nobody took it, but refuses one another process took over', async () => {
    const { lock } = harness.context();
    const run = { repoId: 'acme/demo', runId: 'run-d', lockToken: 'gone:run-run-d' };
    await confirmRunLock(harness.catalog, run, lock, silentLogger);
    expect(await probeRunLock(harness.catalog, 'acme/demo', 'run-d', lock)).toEqual({
      state: 'held',
      token: 'gone:run-run-d',
    });
    await releaseRunLock(harness.catalog, 'acme/demo', run.lockToken, silentLogger);
    await harness.catalog.tryLock(resource, other);
    await expect(confirmRunLock(harness.catalog, run, lock, silentLogger)).rejects.toThrow(
      /now being synced by process 4242 on build-box .*lost it/,
    );
  });
});
