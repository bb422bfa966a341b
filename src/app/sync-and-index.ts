import { type IndexOutcome, indexRepositories } from '../knowledge/index-repositories.ts';
import { syncAll } from '../sync/sync-all.ts';
import type { SyncProgress, SyncResult } from '../sync/sync-types.ts';
import type { Services } from './create-services.ts';

/** What to sync and how to follow it. */
export interface SyncAndIndexOptions {
  /** Only this repository (even when disabled); otherwise every enabled one. */
  repoId?: string;
  force?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: SyncProgress) => void;
  /** Indexes the updated repositories; the default indexes quietly (the CLI shows progress). */
  index?: (repos: Parameters<typeof indexRepositories>[1], signal: AbortSignal) => Promise<IndexOutcome>;
}

/** The results of a pass: one per repository, and what indexing did (nothing when none was updated). */
export interface SyncAndIndexOutcome {
  results: SyncResult[];
  indexing: IndexOutcome;
}

/**
 * The one sync-then-index use case of `quarry sync`, the server's schedule and `POST /api/sync`: syncs
 * the repositories, then (with `knowledge.indexAfterSync`, on by default) indexes those that got a new
 * release. Index results and failures are logged; a failure of one repository never stops the others.
 */
export async function syncAndIndex(
  services: Services,
  options: SyncAndIndexOptions = {},
): Promise<SyncAndIndexOutcome> {
  const signal = options.signal ?? new AbortController().signal;
  const context = await services.syncContext(options.onProgress);
  const results = await syncAll(context, {
    concurrency: services.config.sync.concurrency,
    signal,
    ...(options.repoId ? { repoId: options.repoId } : {}),
    ...(options.force ? { force: true } : {}),
  });
  const updated = new Set(results.filter((result) => result.status === 'updated').map((result) => result.id));
  const nothing: IndexOutcome = { reports: [], failures: [] };
  if (!services.config.knowledge.indexAfterSync || updated.size === 0 || signal.aborted) {
    return { results, indexing: nothing };
  }
  const repos = (await services.catalog.listRepos()).filter((repo) => updated.has(repo.id));
  services.logger.info({ repos: [...updated] }, `indexing ${[...updated].join(', ')}`);
  const index =
    options.index ?? (async (chosen, stop) => indexRepositories(await services.knowledge(), chosen, stop));
  const indexing = await index(repos, signal);
  logIndexing(services, indexing);
  return { results, indexing };
}

function logIndexing(services: Services, outcome: IndexOutcome): void {
  for (const report of outcome.reports) {
    services.logger.info(
      {
        source: report.source,
        version: report.version,
        indexed: report.indexed,
        unchanged: report.unchanged,
      },
      `indexed ${report.source}@${report.version}: ${report.indexed} files indexed, ${report.unchanged} unchanged, ${report.removed} removed, ${report.chunks} chunks`,
    );
  }
  for (const failure of outcome.failures)
    services.logger.error({}, `indexing failed: ${services.redact(failure)}`);
}
