import { ConflictError } from '../core/errors/index.ts';
import type { SyncProgress } from '../sync/sync-types.ts';

/** A sync pass in progress: when it began and where each repository is. */
export interface SyncActivity {
  startedAt: string;
  /** Only the repositories this pass touched so far, in the order they started. */
  repos: SyncProgress[];
}

/** What to sync: every enabled repository, or one. */
export interface SyncRequest {
  repo?: string;
  force?: boolean;
}

/** Starts sync passes (one at a time) and reports the one running. */
export interface SyncController {
  /** Starts a pass in the background; a `ConflictError` when one is already running. */
  start(request: SyncRequest): void;
  /** The pass running now, or `null`. */
  active(): SyncActivity | null;
  /** Resolves when the running pass (if any) has finished. */
  idle(): Promise<void>;
}

/** Runs one pass: sync, then index what changed. Reports progress; never throws for one repo's failure. */
export type SyncPass = (request: SyncRequest, onProgress: (progress: SyncProgress) => void) => Promise<void>;

/**
 * An in-process controller: one pass at a time, progress kept in memory for `/api/sync/runs`. Failures of
 * a whole pass are given to `onFailure` (the log); per-repository outcomes are in the catalog's sync runs.
 */
export function createSyncController(options: {
  pass: SyncPass;
  clock: () => Date;
  onFailure: (error: unknown) => void;
}): SyncController {
  let activity: SyncActivity | null = null;
  let running: Promise<void> = Promise.resolve();
  return {
    start(request) {
      if (activity) {
        throw new ConflictError(`A sync started at ${activity.startedAt} is still running.`, {
          hint: 'Wait for it to finish (GET /api/sync/runs shows its progress), then start another.',
        });
      }
      const current: SyncActivity = { startedAt: options.clock().toISOString(), repos: [] };
      activity = current;
      running = options
        .pass(request, (progress) => recordProgress(current, progress))
        .catch((error: unknown) => options.onFailure(error))
        .finally(() => {
          activity = null;
        });
    },
    active: () => activity,
    idle: () => running,
  };
}

function recordProgress(activity: SyncActivity, progress: SyncProgress): void {
  const index = activity.repos.findIndex((entry) => entry.repoId === progress.repoId);
  if (index === -1) activity.repos.push({ ...progress });
  else activity.repos[index] = { ...progress };
}
