import type { IndexReport } from '../knowledge/index-report.ts';
import { type SyncAndIndexOutcome, syncAndIndex } from '../sync/sync-and-index.ts';
import type { SyncProgress } from '../sync/sync-types.ts';
import type { Services } from './create-services.ts';

/** What to sync and how to follow it. */
export interface SyncPassOptions {
  /** Only this repository (even when disabled); otherwise every enabled one. */
  repoId?: string;
  force?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: SyncProgress) => void;
}

/**
 * One pass of the sync-then-index use case (`src/sync/sync-and-index.ts`) over this process's services,
 * `sync.concurrency` repositories at a time: what `quarry sync`, `quarry serve`'s schedule and
 * `POST /api/sync` run.
 */
export async function runSyncPass(
  services: Services,
  options: SyncPassOptions = {},
): Promise<SyncAndIndexOutcome<IndexReport>> {
  return syncAndIndex(await services.syncContext(options.onProgress), {
    concurrency: services.config.sync.concurrency,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.repoId ? { repoId: options.repoId } : {}),
    ...(options.force ? { force: true } : {}),
  });
}
