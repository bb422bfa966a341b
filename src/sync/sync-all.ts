import { listStep } from './list-step.ts';
import { oneAtATime, type RepositorySyncOutcome, runSyncSteps } from './run-sync-steps.ts';
import type { RepositoryToSync } from './sync-step-schemas.ts';
import type { SyncContext, SyncOptions, SyncResult } from './sync-types.ts';

/** Options of {@link syncAll}: which repositories, how many at once, and the pass's signal. */
export interface SyncAllOptions extends SyncOptions {
  /** Sync only this repository (even when disabled); otherwise every enabled one. */
  repoId?: string;
  /** How many repositories to sync at once. */
  concurrency: number;
}

/**
 * Syncs every enabled repository once (or the one asked for), `concurrency` at a time. One failure
 * does not stop the others; results come back in catalog order. After an abort, repositories not yet
 * started are not started.
 */
export async function syncAll(context: SyncContext, options: SyncAllOptions): Promise<SyncResult[]> {
  return (await runSyncPass(context, options)).map((outcome) => outcome.result);
}

/**
 * The in-process pass behind {@link syncAll}: the list step, then each repository's steps
 * (`runSyncSteps`), `concurrency` repositories at a time, indexing one at a time. Returns each
 * repository's result and how its indexing went.
 */
export async function runSyncPass(
  context: SyncContext,
  options: SyncAllOptions,
): Promise<RepositorySyncOutcome[]> {
  const stepContext = options.signal ? { ...context, signal: options.signal } : context;
  const { repos } = await listStep(
    { ...(options.repoId === undefined ? {} : { repoId: options.repoId }), force: options.force ?? false },
    stepContext,
  );
  const outcomes: RepositorySyncOutcome[] = new Array(repos.length);
  const indexOneAtATime = oneAtATime();
  let next = 0;
  const worker = async () => {
    while (next < repos.length && !options.signal?.aborted) {
      const index = next++;
      const item = repos[index] as RepositoryToSync;
      outcomes[index] = await runSyncSteps(item, stepContext, indexOneAtATime);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, repos.length) }, worker));
  return outcomes.filter((outcome) => outcome !== undefined);
}
