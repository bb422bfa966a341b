import type { RepoRecord } from '../core/ports/catalog.ts';
import { oneAtATime, runSyncSteps } from './run-sync-steps.ts';
import type { SyncContext, SyncOptions, SyncResult } from './sync-types.ts';

/**
 * Checks one repository and, when there is a new release, extracts it, makes it current, indexes it
 * (when `context.indexRelease` is given) and notifies, running the sync steps in this process. Never
 * throws: every failure becomes a `failed` result, is recorded in the catalog when possible, and leaves
 * `current/` at the version the catalog records. `repo` only names the repository: its record is read
 * again under the lock.
 */
export async function syncRepository(
  repo: RepoRecord,
  context: SyncContext,
  options: SyncOptions = {},
): Promise<SyncResult> {
  const item = { repoId: repo.id, runId: context.newRunId(), force: options.force ?? false };
  const stepContext = options.signal ? { ...context, signal: options.signal } : context;
  return (await runSyncSteps(item, stepContext, oneAtATime())).result;
}
