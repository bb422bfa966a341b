import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import { ConflictError } from '../core/errors/index.ts';
import { parseRepoId } from '../core/repo-id.ts';
import { extractRelease } from './extract-release.ts';
import { readExtractionMarker, writeExtractionMarker } from './extraction-marker.ts';
import { loadIgnoreRules } from './load-ignore-rules.ts';
import { hasObjects } from './merge-prefix.ts';
import { parseStepInput } from './parse-step-input.ts';
import { stagingPrefix } from './release-layout.ts';
import { confirmRunLock } from './run-lock.ts';
import { findSyncRun, requireRepo } from './sync-run-records.ts';
import {
  type ExtractedCounts,
  type ExtractedRun,
  type ReleaseRun,
  releaseRunSchema,
} from './sync-step-schemas.ts';
import type { SyncStepContext } from './sync-types.ts';

/**
 * Step 2: streams the new release into the run's staging prefix (`staging/<owner>/<repo>/<run id>/`),
 * applying the repository's ignore file and the safety limits, and returns the check's payload with the
 * counts and the archive's root folder added. `current/` is not touched.
 *
 * Idempotent: a marker object written after the last file (see `extractionMarkerKey`) says the staging
 * prefix is complete, so a second call returns the recorded counts without downloading again. A call
 * that finds no marker deletes whatever an attempt killed part-way left in the run's staging, then
 * extracts from scratch. A run already finished is not extracted again (its recorded counts come back).
 */
export async function extractStep(input: unknown, context: SyncStepContext): Promise<ExtractedRun> {
  const run = parseStepInput(releaseRunSchema, input, 'extract');
  const name = parseRepoId(run.repoId);
  const finished = await findSyncRun(context.catalog, run.repoId, run.runId);
  if (finished !== undefined && finished.status !== 'running') {
    // Promoted (or given up) already: its staging is gone, and downloading again would only litter it.
    const { files, bytes, skipped } = finished;
    return { ...run, extracted: { files, bytes, skipped, rootFolder: null } };
  }
  if (finished === undefined) {
    // No check started this run (or it is too old to find): taking the lock for it would block the
    // repository's real runs until the lock times out.
    throw new ConflictError(
      `The sync run ${run.runId} of ${run.repoId} was never started or is too old to resume.`,
      {
        hint: 'Start a new sync; the workflow begins with the check step.',
      },
    );
  }
  await confirmRunLock(context.catalog, run, context.lock, context.logger);
  const recorded = await readExtractionMarker(context.store, name, run.runId);
  if (recorded !== undefined && recorded.tag === run.release.tag) {
    const { files, bytes, skipped, rootFolder } = recorded;
    return { ...run, extracted: { files, bytes, skipped, rootFolder } };
  }
  return { ...run, extracted: await stageRelease(run, context) };
}

/** Downloads and extracts into the run's (emptied) staging prefix, then writes the marker last. */
async function stageRelease(run: ReleaseRun, context: SyncStepContext): Promise<ExtractedCounts> {
  const name = parseRepoId(run.repoId);
  const repo = await requireRepo(context.catalog, run.repoId);
  const ignore = await loadIgnoreRules(repo, context);
  const staging = stagingPrefix(name, run.runId);
  // Listed first: on the usual first attempt there is nothing, and a delete call would cost more.
  if (await hasObjects(context.store, staging)) await context.store.deletePrefix(staging);
  const scratchFolder = path.join(context.scratchFolder, run.runId);
  try {
    const extracted = await extractRelease(context, {
      repoId: run.repoId,
      tag: run.release.tag,
      archive: run.release.archive,
      ignore,
      runId: run.runId,
      scratchFolder,
      signal: context.signal,
    });
    await writeExtractionMarker(context.store, name, run.runId, {
      ...extracted,
      tag: run.release.tag,
      phase: 'extracted',
    });
    return extracted;
  } finally {
    await rm(scratchFolder, { recursive: true, force: true });
  }
}
