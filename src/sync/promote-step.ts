import { ConflictError, RetryableError } from '../core/errors/index.ts';
import type { RepoRecord } from '../core/ports/catalog.ts';
import type { ObjectStore } from '../core/ports/object-store.ts';
import { parseRepoId, type RepoName } from '../core/repo-id.ts';
import { type ExtractionMarker, readExtractionMarker } from './extraction-marker.ts';
import { moveIntoPlace } from './move-into-place.ts';
import { parseStepInput } from './parse-step-input.ts';
import { extractionMarkerKey, stagingPrefix } from './release-layout.ts';
import { confirmRunLock, releaseRunLock } from './run-lock.ts';
import { findSyncRun, millisecondsSince, requireRepo, resultOfRun } from './sync-run-records.ts';
import { type ExtractedRun, extractedRunSchema, type PromotedRun } from './sync-step-schemas.ts';
import type { SyncResult, SyncStepContext } from './sync-types.ts';

/**
 * Step 3: makes the staged release current. Moves it to `current/<owner>/<repo>/<tag>/` and the previous
 * version to `archived/`, records the new version in the catalog (version, modified, ETag, status,
 * counts), finishes the sync run, deletes the run's staging leftovers and releases the lock.
 *
 * The catalog is written after both moves, so until then it names the previous version and a failure is
 * undone by record-failure's repair. Idempotent: a run the catalog records as `updated` is not promoted
 * again (the same result comes back), and a promote killed part-way resumes its moves (see
 * `moveIntoPlace`). It refuses, with a `ConflictError`, a run whose extraction did not complete and a
 * repository whose recorded version changed since the check.
 */
export async function promoteStep(input: unknown, context: SyncStepContext): Promise<PromotedRun> {
  const run = parseStepInput(extractedRunSchema, input, 'promote');
  const name = parseRepoId(run.repoId);
  const recorded = await findSyncRun(context.catalog, run.repoId, run.runId);
  if (recorded?.status === 'updated') {
    await tidyRun(context.store, name, run.runId);
    await releaseRunLock(context.catalog, run.repoId, run.lockToken, context.logger);
    return { repoId: run.repoId, runId: run.runId, result: resultOfRun(recorded) };
  }
  if (recorded?.status !== 'running') {
    throw new ConflictError(
      `Sync run ${run.runId} of ${run.repoId} ${recorded ? `already ended as ${recorded.status}` : 'was never started'}; it cannot be promoted.`,
      { hint: 'Start a new sync of the repository.' },
    );
  }
  await confirmRunLock(context.catalog, run, context.lock, context.logger);
  const repo = await requireRepo(context.catalog, run.repoId);
  const marker = await requirePromotable(run, repo, name, context.store);
  // Out of time: start no move that could still be running when the workflow gives the run up.
  if (context.signal?.aborted) {
    throw new RetryableError(`Promoting run ${run.runId} of ${run.repoId} was stopped before it began.`, {
      hint: 'The workflow retries the step.',
    });
  }
  reportPromoting(run, context);
  await moveIntoPlace(
    context.store,
    { repo: name, runId: run.runId, tag: run.release.tag, previousTag: run.previousTag },
    marker,
  );
  const result = await recordRelease(run, repo, context);
  await tidyRun(context.store, name, run.runId);
  context.onProgress?.({
    repoId: run.repoId,
    phase: 'done',
    tag: run.release.tag,
    files: result.files,
    bytes: result.bytes,
    downloadedBytes: 0,
    totalBytes: null,
  });
  await releaseRunLock(context.catalog, run.repoId, run.lockToken, context.logger);
  return { repoId: run.repoId, runId: run.runId, result };
}

/** The run's marker, once sure the catalog still names the version the check saw (or this release). */
async function requirePromotable(
  run: ExtractedRun,
  repo: RepoRecord,
  name: RepoName,
  store: ObjectStore,
): Promise<ExtractionMarker> {
  if (repo.version !== run.previousTag && repo.version !== run.release.tag) {
    throw new ConflictError(
      `Repository ${run.repoId} moved from ${run.previousTag ?? 'no version'} to ${repo.version ?? 'no version'} while run ${run.runId} was extracting ${run.release.tag}; it was not promoted.`,
      { hint: 'The next sync checks again.' },
    );
  }
  const marker = await readExtractionMarker(store, name, run.runId);
  if (marker === undefined || marker.tag !== run.release.tag) {
    throw new ConflictError(
      `The release ${run.release.tag} of ${run.repoId} was not completely extracted by run ${run.runId}; it was not promoted.`,
      { hint: 'Run the extract step again with the same input, then promote.' },
    );
  }
  return marker;
}

/** Records the new version on the repository (unless a retried promote already did) and ends the run. */
async function recordRelease(
  run: ExtractedRun,
  repo: RepoRecord,
  context: SyncStepContext,
): Promise<SyncResult> {
  const { files, bytes, skipped } = run.extracted;
  const tag = run.release.tag;
  const now = context.clock();
  const alreadyRecorded =
    repo.version === tag &&
    repo.status === 'updated' &&
    repo.etag === run.release.etag &&
    repo.files === files;
  if (!alreadyRecorded || run.force) {
    await context.catalog.updateRepo(run.repoId, {
      version: tag,
      modified: now.toISOString(),
      lastCheckedAt: now.toISOString(),
      etag: run.release.etag,
      status: 'updated',
      error: null,
      files,
      bytes,
    });
  }
  const previousTag = run.previousTag === tag ? null : run.previousTag;
  const durationMs = millisecondsSince(run.startedAt, now);
  await context.catalog.finishSyncRun(run.runId, {
    finishedAt: now.toISOString(),
    status: 'updated',
    tag,
    previousTag,
    files,
    bytes,
    skipped,
    durationMs,
    error: null,
  });
  return { id: repo.id, status: 'updated', tag, previousTag, files, bytes, durationMs, error: null };
}

/** Deletes what is left of the run under staging: its (by now empty) prefix and its marker. */
async function tidyRun(store: ObjectStore, name: RepoName, runId: string): Promise<void> {
  await store.deletePrefix(stagingPrefix(name, runId));
  await store.delete(extractionMarkerKey(name, runId));
}

function reportPromoting(run: ExtractedRun, context: SyncStepContext): void {
  const size = run.release.archive.size;
  context.onProgress?.({
    repoId: run.repoId,
    phase: 'promoting',
    tag: run.release.tag,
    totalBytes: size,
    files: run.extracted.files,
    bytes: run.extracted.bytes,
    downloadedBytes: size ?? 0,
  });
}
