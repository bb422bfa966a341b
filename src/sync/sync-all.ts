import { NotFoundError } from '../core/errors/index.ts';
import type { RepoRecord } from '../core/ports/catalog.ts';
import { normalizeRepoId } from '../core/repo-id.ts';
import { syncRepository } from './sync-repository.ts';
import type { SyncContext, SyncOptions, SyncResult } from './sync-types.ts';

/** Options of {@link syncAll}. */
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
  const repos = await selectRepos(context, options.repoId);
  const results: SyncResult[] = new Array(repos.length);
  let next = 0;
  const worker = async () => {
    while (next < repos.length && !options.signal?.aborted) {
      const index = next++;
      const repo = repos[index] as RepoRecord;
      results[index] = await syncRepository(repo, context, options);
    }
  };
  const workers = Array.from({ length: Math.min(options.concurrency, repos.length) }, worker);
  await Promise.all(workers);
  return results.filter((result) => result !== undefined);
}

async function selectRepos(context: SyncContext, repoId: string | undefined): Promise<RepoRecord[]> {
  if (repoId === undefined) return (await context.catalog.listRepos()).filter((repo) => repo.enabled);
  const repo = await context.catalog.getRepo(normalizeRepoId(repoId));
  if (!repo) {
    throw new NotFoundError(`Repository ${repoId} is not in the catalog.`, {
      hint: `Add it first: quarry repos add ${repoId}`,
    });
  }
  return [repo];
}
