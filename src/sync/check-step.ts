import type { RepoRecord } from '../core/ports/catalog.ts';
import type { LatestRelease } from '../core/ports/release-source.ts';
import { parseRepoId } from '../core/repo-id.ts';
import { loadIgnoreRules } from './load-ignore-rules.ts';
import { hasObjects } from './merge-prefix.ts';
import { parseStepInput } from './parse-step-input.ts';
import { currentPrefix } from './release-layout.ts';
import { recoverFromInterruptedRun } from './repair-layout.ts';
import { lockRepositoryForRun, releaseRunLock } from './run-lock.ts';
import { findSyncRun, millisecondsSince, requireRepo, resultOfRun } from './sync-run-records.ts';
import {
  type CheckOutput,
  type RepositoryToSync,
  repositoryToSyncSchema,
  type SettledRun,
} from './sync-step-schemas.ts';
import type { SyncResult, SyncStepContext } from './sync-types.ts';

/** A run under way: who it is, and when it began. */
interface StartedRun extends RepositoryToSync {
  lockToken: string;
  startedAt: string;
}

/**
 * Step 1 of a repository's sync. Takes the repository's lock for the run, tidies up after a run that
 * died, records the run as started and asks the release source for the latest release (conditionally,
 * with the stored ETag). When nothing is new it records that (unchanged / no release), finishes the run,
 * releases the lock and returns `newRelease: false` with the result; otherwise it returns the release to
 * extract, keeping the lock for the steps that follow.
 *
 * Idempotent for one `runId`: a check retried after it died finds its own lock and run and checks again;
 * one called again after its run finished returns that run's recorded result. On failure it throws and
 * leaves the lock and the run to record-failure (or to a retry, which picks them up).
 */
export async function checkStep(input: unknown, context: SyncStepContext): Promise<CheckOutput> {
  const request = parseStepInput(repositoryToSyncSchema, input, 'check');
  const lockToken = await lockRepositoryForRun(context.catalog, request.repoId, request.runId, context.lock);
  const existing = await findSyncRun(context.catalog, request.repoId, request.runId);
  if (existing !== undefined && existing.status !== 'running') {
    await releaseRunLock(context.catalog, request.repoId, lockToken, context.logger);
    return { newRelease: false, repoId: request.repoId, runId: request.runId, result: resultOfRun(existing) };
  }
  // The record read before the lock may be stale: another process may have synced meanwhile.
  let repo = await requireRepo(context.catalog, request.repoId);
  const startedAt = existing?.startedAt ?? context.clock().toISOString();
  if (existing === undefined) {
    await recoverFromInterruptedRun(repo, context);
    // Recovery may have changed the record (a version whose files are gone is forgotten).
    repo = await requireRepo(context.catalog, request.repoId);
    await context.catalog.startSyncRun({ id: request.runId, repoId: repo.id, startedAt });
  }
  return checkLatest(repo, { ...request, repoId: repo.id, lockToken, startedAt }, context);
}

async function checkLatest(
  repo: RepoRecord,
  run: StartedRun,
  context: SyncStepContext,
): Promise<CheckOutput> {
  // A malformed ignore file is the user's to fix: fail before spending any download.
  await loadIgnoreRules(repo, context);
  context.onProgress?.({
    repoId: repo.id,
    phase: 'checking',
    files: 0,
    bytes: 0,
    downloadedBytes: 0,
    totalBytes: null,
  });
  const present = await recordedVersionInStore(repo, context);
  const useEtag = !run.force && present && repo.version !== null && repo.status !== 'failed';
  const latest = await context.releases.latest(
    { ...parseRepoId(repo.id), track: repo.track, etag: useEtag ? repo.etag : null, asset: repo.asset },
    context.signal,
  );
  if (latest.state === 'found' && (latest.tag !== repo.version || run.force || !present)) {
    return {
      newRelease: true,
      ...run,
      previousTag: repo.version,
      release: { tag: latest.tag, etag: latest.etag, archive: latest.archive },
    };
  }
  return settle(run, await recordNothingNew(repo, latest, context), context);
}

/**
 * Whether the version the catalog records is in the store. It is not when the store moved (a new bucket
 * or prefix in `QUARRY_STORE`) or was emptied: GitHub would answer "not modified" and `current/` would
 * stay empty for good, so the release is extracted again instead. A store that cannot be read (a wrong
 * bucket) fails the check here, with the store's own hint.
 */
async function recordedVersionInStore(repo: RepoRecord, context: SyncStepContext): Promise<boolean> {
  if (repo.version === null) return true;
  if (await hasObjects(context.store, currentPrefix(parseRepoId(repo.id), repo.version))) return true;
  context.logger.warn(
    { repo: repo.id, tag: repo.version },
    'the recorded version is missing from the object store; it will be extracted again',
  );
  return false;
}

/** Records on the repository a check that found nothing to extract, and says what it found. */
async function recordNothingNew(
  repo: RepoRecord,
  latest: LatestRelease,
  context: SyncStepContext,
): Promise<Outcome> {
  const lastCheckedAt = context.clock().toISOString();
  if (latest.state === 'none') {
    await context.catalog.updateRepo(repo.id, {
      status: 'no-release',
      error: null,
      etag: latest.etag,
      lastCheckedAt,
    });
    return { status: 'no-release', tag: null, previousTag: repo.version, files: 0, bytes: 0 };
  }
  // A 304 keeps the stored ETag; a full answer naming the same tag brings a new one.
  const etag = latest.state === 'found' ? { etag: latest.etag } : {};
  await context.catalog.updateRepo(repo.id, { status: 'unchanged', error: null, lastCheckedAt, ...etag });
  return unchanged(repo);
}

type Outcome = Omit<SyncResult, 'id' | 'durationMs' | 'error'>;

/** Ends a run that found nothing to extract: records its result and releases the lock. */
async function settle(run: StartedRun, outcome: Outcome, context: SyncStepContext): Promise<SettledRun> {
  const now = context.clock();
  const result: SyncResult = {
    id: run.repoId,
    ...outcome,
    durationMs: millisecondsSince(run.startedAt, now),
    error: null,
  };
  await context.catalog.finishSyncRun(run.runId, {
    finishedAt: now.toISOString(),
    ...outcome,
    skipped: 0,
    durationMs: result.durationMs,
    error: null,
  });
  await releaseRunLock(context.catalog, run.repoId, run.lockToken, context.logger);
  return { newRelease: false, repoId: run.repoId, runId: run.runId, result };
}

function unchanged(repo: RepoRecord): Outcome {
  return { status: 'unchanged', tag: repo.version, previousTag: null, files: repo.files, bytes: repo.bytes };
}
