import { NotFoundError } from '../core/errors/index.ts';
import type { RepoRecord, RepositoryCatalog, SyncRunRecord } from '../core/ports/catalog.ts';
import type { SyncResult } from './sync-types.ts';

// How far back a step looks for its own run: the run is normally the newest of its repository, but a
// process that took the lock over after this run lost it may have started runs since.
const recentRunsSearched = 20;

/**
 * The catalog record of sync run `runId` of `repoId`, or `undefined`. The steps use it as their memory:
 * a run recorded as finished is not done again.
 */
export async function findSyncRun(
  catalog: RepositoryCatalog,
  repoId: string,
  runId: string,
): Promise<SyncRunRecord | undefined> {
  const runs = await catalog.listSyncRuns({ repoId, limit: recentRunsSearched });
  return runs.find((run) => run.id === runId);
}

/** The repository's record, read now (the one a step was given may be stale), or a `NotFoundError`. */
export async function requireRepo(catalog: RepositoryCatalog, repoId: string): Promise<RepoRecord> {
  const repo = await catalog.getRepo(repoId);
  if (repo) return repo;
  throw new NotFoundError(`Repository ${repoId} is not in the catalog.`, {
    hint: `It was removed while the sync ran; add it again with quarry repos add ${repoId}.`,
  });
}

/** The result a finished run recorded, as `quarry sync --json` prints it. */
export function resultOfRun(run: SyncRunRecord): SyncResult {
  return {
    id: run.repoId,
    status: run.status === 'running' ? 'failed' : run.status,
    tag: run.tag,
    previousTag: run.previousTag,
    files: run.files,
    bytes: run.bytes,
    durationMs: run.durationMs ?? 0,
    error: run.error,
  };
}

/** The result of a sync that failed: nothing changed, the previous version stays. */
export function failedResult(
  repoId: string,
  previousTag: string | null,
  error: string,
  durationMs: number,
): SyncResult {
  return { id: repoId, status: 'failed', tag: null, previousTag, files: 0, bytes: 0, durationMs, error };
}

/** Milliseconds since `startedAt` (ISO 8601), never negative (clocks of two Lambdas may disagree). */
export function millisecondsSince(startedAt: string, now: Date): number {
  return Math.max(0, now.getTime() - Date.parse(startedAt));
}
