import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import type { RepoRecord } from '../core/ports/catalog.ts';
import { describeError } from '../core/redact.ts';
import { parseRepoId } from '../core/repo-id.ts';
import { checkForRelease } from './check-for-release.ts';
import { type HeldLock, lockRepository } from './repository-lock.ts';
import { restoreLayout } from './restore-layout.ts';
import type { SyncContext, SyncOptions, SyncResult } from './sync-types.ts';

/**
 * Checks one repository and, when there is a new release, extracts it and makes it current. Never
 * throws: every failure becomes a `failed` result, is recorded in the catalog when possible, and leaves
 * `current/` at the version the catalog records.
 */
export async function syncRepository(
  repo: RepoRecord,
  context: SyncContext,
  options: SyncOptions = {},
): Promise<SyncResult> {
  const startedAt = context.clock();
  const elapsed = () => context.clock().getTime() - startedAt.getTime();
  let lock: HeldLock;
  try {
    lock = await lockRepository(context.catalog, repo.id, context.lock);
  } catch (error) {
    // Another process owns this repository right now: report, but leave its records alone.
    return failedResult(repo, describeError(error, context.redact), elapsed());
  }
  try {
    // The record read before the lock may be stale: another process may have synced meanwhile.
    const current = (await context.catalog.getRepo(repo.id)) ?? repo;
    return await runLocked(current, context, options, elapsed);
  } catch (error) {
    return failedResult(repo, describeError(error, context.redact), elapsed());
  } finally {
    await lock.release().catch((error: unknown) => {
      context.logger.warn(
        { repo: repo.id, error: describeError(error, context.redact) },
        'could not release the lock',
      );
    });
  }
}

async function runLocked(
  lockedRepo: RepoRecord,
  context: SyncContext,
  options: SyncOptions,
  elapsed: () => number,
): Promise<SyncResult> {
  const runId = context.newRunId();
  const scratchFolder = path.join(context.scratchFolder, runId);
  let repo = lockedRepo;
  try {
    await recoverFromInterruptedRun(repo, context);
    // Recovery may have changed the record (a version whose files are gone is forgotten).
    repo = (await context.catalog.getRepo(repo.id)) ?? repo;
    await context.catalog.startSyncRun({
      id: runId,
      repoId: repo.id,
      startedAt: context.clock().toISOString(),
    });
  } catch (error) {
    return failedResult(repo, describeError(error, context.redact), elapsed());
  }
  try {
    const { skipped, ...outcome } = await checkForRelease(
      repo,
      { ...context, scratchFolder },
      options,
      runId,
    );
    const result: SyncResult = { id: repo.id, ...outcome, durationMs: elapsed(), error: null };
    await context.catalog.finishSyncRun(runId, {
      finishedAt: context.clock().toISOString(),
      ...outcome,
      skipped,
      durationMs: result.durationMs,
      error: null,
    });
    return result;
  } catch (error) {
    return recordFailure(repo, context, runId, error, elapsed);
  } finally {
    await rm(scratchFolder, { recursive: true, force: true });
  }
}

async function recordFailure(
  repo: RepoRecord,
  context: SyncContext,
  runId: string,
  error: unknown,
  elapsed: () => number,
): Promise<SyncResult> {
  const message = describeError(error, context.redact);
  context.logger.error({ repo: repo.id, error: message }, 'sync failed');
  const result = failedResult(repo, message, elapsed());
  try {
    await repairLayout(repo, context);
    const now = context.clock().toISOString();
    await context.catalog.updateRepo(repo.id, { status: 'failed', error: message, lastCheckedAt: now });
    await context.catalog.finishSyncRun(runId, {
      finishedAt: now,
      status: 'failed',
      tag: null,
      previousTag: repo.version,
      files: 0,
      bytes: 0,
      skipped: 0,
      durationMs: result.durationMs,
      error: message,
    });
  } catch (cleanupError) {
    // The next run repeats the repair; the failure reported is the original one.
    context.logger.warn(
      { repo: repo.id, error: describeError(cleanupError, context.redact) },
      'cleanup failed',
    );
  }
  return result;
}

/**
 * Puts the folders back to the version the catalog records now (it may already name the new release if
 * the failure came after the catalog update). When that version's files are gone altogether, the
 * catalog forgets it, so the next check downloads the release again instead of answering "unchanged".
 */
async function repairLayout(repo: RepoRecord, context: SyncContext): Promise<void> {
  const recorded = (await context.catalog.getRepo(repo.id)) ?? repo;
  const { recordedVersionPresent } = await restoreLayout(
    context.store,
    parseRepoId(repo.id),
    recorded.version,
    context.logger,
  );
  if (recorded.version !== null && !recordedVersionPresent) {
    context.logger.warn(
      { repo: repo.id, tag: recorded.version },
      'the recorded version is missing; it will be downloaded again',
    );
    await context.catalog.updateRepo(repo.id, { version: null, etag: null, files: 0, bytes: 0 });
  }
}

/** A run that died (kill -9, power loss) left `running` in the catalog: tidy its files first. */
async function recoverFromInterruptedRun(repo: RepoRecord, context: SyncContext): Promise<void> {
  const [lastRun] = await context.catalog.listSyncRuns({ repoId: repo.id, limit: 1 });
  if (lastRun === undefined || (lastRun.status !== 'running' && lastRun.status !== 'failed')) return;
  await repairLayout(repo, context);
  if (lastRun.status !== 'running') return;
  context.logger.warn(
    { repo: repo.id, run: lastRun.id },
    'the previous sync was interrupted; cleaned up after it',
  );
  await rm(path.join(context.scratchFolder, lastRun.id), { recursive: true, force: true });
  await context.catalog.finishSyncRun(lastRun.id, {
    finishedAt: context.clock().toISOString(),
    status: 'failed',
    tag: lastRun.tag,
    previousTag: lastRun.previousTag,
    files: 0,
    bytes: 0,
    skipped: 0,
    durationMs: null,
    error: 'Interrupted before it finished (the process stopped).',
  });
}

function failedResult(repo: RepoRecord, error: string, durationMs: number): SyncResult {
  return {
    id: repo.id,
    status: 'failed',
    tag: null,
    previousTag: repo.version,
    files: 0,
    bytes: 0,
    durationMs,
    error,
  };
}
