import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSyncHarness, type SyncHarness } from '../../test/support/sync-harness.ts';
import { checkStep } from './check-step.ts';
import { syncRepository } from './sync-repository.ts';
import { addRepo, publish, stepContext, v1Files } from './sync-steps.test-support.ts';

let harness: SyncHarness;
beforeEach(async () => {
  harness = await createSyncHarness();
  await addRepo(harness, 'acme/demo');
  await publish(harness, 'acme/demo', [['v1.0.0', v1Files]]);
  const repo = await harness.catalog.getRepo('acme/demo');
  if (!repo) throw new Error('the demo repo is missing');
  await syncRepository(repo, stepContext(harness));
});
afterEach(async () => {
  await harness.close();
});

describe('check', () => {
  it('finds nothing new while the recorded version is in the store', async () => {
    await expect(
      checkStep({ repoId: 'acme/demo', runId: 'again' }, stepContext(harness)),
    ).resolves.toMatchObject({
      newRelease: false,
      result: { status: 'unchanged', tag: 'v1.0.0' },
    });
  });

  it('extracts the recorded version again when the store no longer has it (a new bucket or prefix)', async () => {
    await harness.store.deletePrefix('current/');
    await expect(
      checkStep({ repoId: 'acme/demo', runId: 'moved' }, stepContext(harness)),
    ).resolves.toMatchObject({
      newRelease: true,
      release: { tag: 'v1.0.0' },
    });
  });
});
