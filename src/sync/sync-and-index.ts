import type { RepoRecord } from '../core/ports/catalog.ts';
import { fillVectorsStep } from './fill-vectors-step.ts';
import { runSyncPass, type SyncAllOptions } from './sync-all.ts';
import type { ReleaseIndexReport, SyncContext, SyncResult } from './sync-types.ts';

/** What one sync-and-index pass did. */
export interface SyncAndIndexOutcome<Report extends ReleaseIndexReport = ReleaseIndexReport> {
  /** One per repository, in catalog order, as `quarry sync --json` prints them. */
  results: SyncResult[];
  /** The indexer's reports, one per repository whose new release was indexed. */
  reports: Report[];
  /** One line per failure after the sync: `owner/name: reason` for indexing, `embedding: reason` for vectors. */
  failures: string[];
}

/** The sync context, with an indexer whose report type the outcome keeps. */
export type SyncAndIndexContext<Report extends ReleaseIndexReport> = SyncContext & {
  indexRelease?: (repo: RepoRecord, signal?: AbortSignal) => Promise<Report>;
};

/**
 * One pass of the sync-then-index use case, shared by `quarry sync`, the server's schedule and the AWS
 * workflow's steps: syncs the repositories (every enabled one, or `options.repoId`), indexes each one that
 * got a new release through `context.indexRelease` right after its promotion (one at a time), then fills
 * missing vectors once through `context.fillVectors`. Without an indexer (`knowledge.indexAfterSync` off)
 * it is a plain sync. Sync failures are in `results`; indexing and embedding failures in `failures`.
 */
export async function syncAndIndex<Report extends ReleaseIndexReport>(
  context: SyncAndIndexContext<Report>,
  options: SyncAllOptions,
): Promise<SyncAndIndexOutcome<Report>> {
  const outcomes = await runSyncPass(context, options);
  const reports: Report[] = [];
  const failures: string[] = [];
  for (const { result, index, report } of outcomes) {
    // The runner keeps the report the indexer returned, so it is the indexer's own type.
    if (report !== undefined) reports.push(report as Report);
    if (index?.status === 'failed') failures.push(`${result.id}: ${index.error}`);
  }
  const vectors = await fillVectorsStep(
    { results: outcomes.map((outcome) => (outcome.index ? { index: outcome.index } : {})) },
    options.signal ? { ...context, signal: options.signal } : context,
  );
  if (vectors.vectors === 'failed') failures.push(`embedding: ${vectors.error ?? 'failed'}`);
  return { results: outcomes.map((outcome) => outcome.result), reports, failures };
}
