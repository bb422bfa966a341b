import type { SyncRunRecord } from '../core/ports/catalog.ts';
import { describeError } from '../core/redact.ts';
import { parseStepInput } from './parse-step-input.ts';
import { repairLayout } from './repair-layout.ts';
import { probeRunLock, releaseRunLock } from './run-lock.ts';
import { failedResult, findSyncRun, millisecondsSince } from './sync-run-records.ts';
import {
  type FailedRun,
  failedRunSchema,
  type RecordedFailure,
  type StepError,
} from './sync-step-schemas.ts';
import type { SyncStepContext } from './sync-types.ts';

/**
 * What a state machine's `Catch` calls when a step of a repository's sync failed for good: its input is
 * the failed step's input plus `error` (`{ Error, Cause }`, as `ResultPath: "$.error"` puts it). When the
 * run holds the repository's lock, it puts the folders back to the version the catalog records
 * (`repairLayout`), records the failure on the repository and on the sync run, and releases the lock. When
 * another process holds the lock (the check could not take it, or the run lost it), it leaves the
 * repository alone and only ends this run's record. A failure after promote (the result says `updated`)
 * changes nothing: the release is in place.
 *
 * Never throws for a failure to record (that is logged; the next run repeats the repair), only for a
 * malformed input. Idempotent: a run already recorded as failed is not recorded again.
 */
export async function recordFailureStep(input: unknown, context: SyncStepContext): Promise<RecordedFailure> {
  const failed = parseStepInput(failedRunSchema, input, 'record-failure');
  const message = messageOf(failed.error, context);
  const { repoId, runId } = failed;
  if (failed.result?.status === 'updated') {
    context.logger.error({ repo: repoId, error: message }, 'a step after the sync failed');
    return { repoId, runId, result: failed.result };
  }
  context.logger.error({ repo: repoId, error: message }, 'sync failed');
  let previousTag = failed.previousTag ?? null;
  try {
    const repo = await context.catalog.getRepo(repoId);
    if (failed.previousTag === undefined) previousTag = repo?.version ?? null;
    await recordUnderLock(failed, message, previousTag, context);
  } catch (cleanupError) {
    // The next run repeats the repair; the failure reported is the original one.
    context.logger.warn(
      { repo: repoId, error: describeError(cleanupError, context.redact) },
      'cleanup failed',
    );
  }
  const durationMs = failed.startedAt ? millisecondsSince(failed.startedAt, context.clock()) : 0;
  return { repoId, runId, result: failedResult(repoId, previousTag, message, durationMs) };
}

async function recordUnderLock(
  failed: FailedRun,
  message: string,
  previousTag: string | null,
  context: SyncStepContext,
): Promise<void> {
  const lock = await probeRunLock(context.catalog, failed.repoId, failed.runId, context.lock);
  try {
    const run = await findSyncRun(context.catalog, failed.repoId, failed.runId);
    // A finished run (promoted, or already given up) is not rewritten: its result stands.
    if (run !== undefined && run.status !== 'running') return;
    // A free lock is this run's only when the check reported taking it (a token in the input) and the run
    // it names is still running; otherwise the payload names a repository this run never locked.
    const ours =
      lock.state === 'held' ||
      (lock.state === 'taken' && failed.lockToken !== undefined && run !== undefined);
    if (ours) {
      await repairLayout({ id: failed.repoId, version: previousTag }, context);
      await context.catalog.updateRepo(failed.repoId, {
        status: 'failed',
        error: message,
        lastCheckedAt: context.clock().toISOString(),
      });
    }
    if (run !== undefined) await finishFailedRun(run, message, previousTag, context);
  } finally {
    if (lock.state !== 'other')
      await releaseRunLock(context.catalog, failed.repoId, lock.token, context.logger);
  }
}

async function finishFailedRun(
  run: SyncRunRecord,
  message: string,
  previousTag: string | null,
  context: SyncStepContext,
): Promise<void> {
  const now = context.clock();
  await context.catalog.finishSyncRun(run.id, {
    finishedAt: now.toISOString(),
    status: 'failed',
    tag: null,
    previousTag,
    files: 0,
    bytes: 0,
    skipped: 0,
    durationMs: millisecondsSince(run.startedAt, now),
    error: message,
  });
}

/**
 * The failure as one redacted line. Lambda errors reach a `Catch` as a JSON document in `Cause`
 * (`{"errorMessage": ..., "errorType": ...}`); the in-process runner passes the message itself.
 */
function messageOf(error: StepError, context: SyncStepContext): string {
  const cause = error.Cause ?? '';
  let text = cause === '' ? error.Error : cause;
  try {
    const document: unknown = JSON.parse(cause);
    if (typeof document === 'object' && document !== null && 'errorMessage' in document)
      text = String(document.errorMessage);
  } catch {
    // Not JSON: the cause is the message.
  }
  return describeError(text, context.redact);
}
