import type { RepoRecord } from '../core/ports/catalog.ts';
import { describeError } from '../core/redact.ts';
import { parseRepoId } from '../core/repo-id.ts';
import { checkForRelease } from './check-for-release.ts';
import { lockRepository } from './repository-lock.ts';
import { restoreLayout } from './restore-layout.ts';
import type { SyncContext, SyncOptions, SyncResult } from './sync-types.ts';

/**
 * Checks one repository and, when there is a new release, extracts it and makes it current. Never
 * throws: every failure becomes a `failed` result, is recorded in the catalog, and leaves `current/`
 * at the last complete version.
 */
export async function syncRepository(
  repo: RepoRecord,
  context: SyncContext,
  options: SyncOptions = {},
): Promise<SyncResult> {
  const startedAt = context.clock();
  const elapsed = () => context.clock().getTime() - startedAt.getTime();
  let lock: Awaited<ReturnType<typeof lockRepository>>;
  try {
    lock = await lockRepository(context.catalog, repo.id, context.lock);
  } catch (error) {
    // Another process owns this repository right now: report, but leave its records alone.
    return failedResult(repo, describeError(error, context.redact), elapsed());
  }
  const runId = context.newRunId();
  try {
    await recoverFromInterruptedRun(repo, context);
    await context.catalog.startSyncRun({ id: runId, repoId: repo.id, startedAt: startedAt.toISOString() });
    const outcome = await runRecorded(repo, context, options, runId, elapsed);
    return outcome;
  } finally {
    await lock.release();
  }
}

async function runRecorded(
  repo: RepoRecord,
  context: SyncContext,
  options: SyncOptions,
  runId: string,
  elapsed: () => number,
): Promise<SyncResult> {
  try {
    const { skipped, ...outcome } = await checkForRelease(repo, context, options, runId);
    const result: SyncResult = { id: repo.id, ...outcome, durationMs: elapsed(), error: null };
    await context.catalog.finishSyncRun(runId, {
      finishedAt: context.clock().toISOString(),
      status: result.status,
      tag: result.tag,
      previousTag: result.previousTag,
      files: result.files,
      bytes: result.bytes,
      skipped,
      durationMs: result.durationMs,
      error: null,
    });
    return result;
  } catch (error) {
    return recordFailure(repo, context, runId, error, elapsed);
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
  try {
    await restoreLayout(context.store, parseRepoId(repo.id), repo.version, context.logger);
  } catch (cleanupError) {
    // The next run retries the cleanup; the failure it reports is the original one.
    context.logger.warn(
      { repo: repo.id, error: describeError(cleanupError, context.redact) },
      'cleanup failed',
    );
  }
  const now = context.clock().toISOString();
  await context.catalog.updateRepo(repo.id, { status: 'failed', error: message, lastCheckedAt: now });
  const result = failedResult(repo, message, elapsed());
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
  return result;
}

/** A run that died (kill -9, power loss) left `running` in the catalog: tidy its files first. */
async function recoverFromInterruptedRun(repo: RepoRecord, context: SyncContext): Promise<void> {
  const [lastRun] = await context.catalog.listSyncRuns({ repoId: repo.id, limit: 1 });
  if (lastRun === undefined || (lastRun.status !== 'running' && lastRun.status !== 'failed')) return;
  await restoreLayout(context.store, parseRepoId(repo.id), repo.version, context.logger);
  if (lastRun.status === 'running') {
    context.logger.warn(
      { repo: repo.id, run: lastRun.id },
      'the previous sync was interrupted; cleaned up after it',
    );
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
