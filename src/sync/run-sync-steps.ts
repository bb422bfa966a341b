import { describeError } from '../core/redact.ts';
import { checkStep } from './check-step.ts';
import { extractStep } from './extract-step.ts';
import { indexStep } from './index-step.ts';
import { notifyStep } from './notify-step.ts';
import { promoteStep } from './promote-step.ts';
import { recordFailureStep } from './record-failure-step.ts';
import { failedResult } from './sync-run-records.ts';
import type { IndexOutcome, PromotedRun, RepositoryToSync, StepError } from './sync-step-schemas.ts';
import type { ReleaseIndexReport, SyncResult, SyncStepContext } from './sync-types.ts';

/** How one repository's sync went in the in-process runner. */
export interface RepositorySyncOutcome {
  result: SyncResult;
  /** How indexing went, when a new release was promoted. */
  index?: IndexOutcome;
  /** The indexer's own report, whole (the step's JSON output shortens long warning lists). */
  report?: ReleaseIndexReport;
}

/** Runs tasks one at a time in call order; see {@link oneAtATime}. */
export type Serializer = <Value>(task: () => Promise<Value>) => Promise<Value>;

/**
 * A {@link Serializer}. The runner indexes through one, so that repositories syncing side by side still
 * reach the knowledge base one at a time, as `quarry index` does.
 */
export function oneAtATime(): Serializer {
  let tail: Promise<unknown> = Promise.resolve();
  return <Value>(task: () => Promise<Value>) => {
    const run = tail.then(task, task);
    tail = run.catch(() => undefined);
    return run;
  };
}

/**
 * Syncs one repository in this process with the same steps a state machine runs one Lambda at a time:
 * check → extract → promote → index → notify, each step's output passed straight to the next (the
 * release streams from the download into staging within extract, so nothing is buffered between steps).
 * A failed step goes to record-failure, as a state machine's `Catch` would. Never throws. `durationMs`
 * is this call's own time up to the end of promote (indexing is not part of the sync).
 */
export async function runSyncSteps(
  item: RepositoryToSync,
  context: SyncStepContext,
  indexOneAtATime: Serializer,
): Promise<RepositorySyncOutcome> {
  const startedAt = context.clock().getTime();
  const elapsed = () => context.clock().getTime() - startedAt;
  let stepInput: object = item;
  let promoted: PromotedRun;
  try {
    const checked = await checkStep(item, context);
    if (!checked.newRelease) return { result: { ...checked.result, durationMs: elapsed() } };
    stepInput = checked;
    const extracted = await extractStep(checked, context);
    stepInput = extracted;
    promoted = await promoteStep(extracted, context);
  } catch (error) {
    const result = await recordFailure(item, stepInput, error, context);
    return { result: { ...result, durationMs: elapsed() } };
  }
  const result = { ...promoted.result, durationMs: elapsed() };
  const { index, report } = await indexOneAtATime(() => indexLocally(promoted, context));
  await notifyStep({ ...promoted, index }, context).catch((error: unknown) => {
    // Only an index outcome the step's schema refuses gets here; the release is in place regardless.
    context.logger.warn(
      { repo: promoted.repoId, error: describeError(error, context.redact) },
      'notification failed',
    );
  });
  return { result, index, ...(report ? { report } : {}) };
}

/**
 * The index step, with the failures a state machine would retry reported instead (there is no retry
 * here), and the indexer's report kept whole for the caller.
 */
async function indexLocally(
  promoted: PromotedRun,
  context: SyncStepContext,
): Promise<{ index: IndexOutcome; report?: ReleaseIndexReport }> {
  if (context.signal?.aborted) return { index: { status: 'skipped', reason: 'the sync was stopped' } };
  let report: ReleaseIndexReport | undefined;
  const { indexRelease } = context;
  const keepingReport: SyncStepContext =
    indexRelease === undefined
      ? context
      : {
          ...context,
          indexRelease: async (repo, signal) => {
            report = await indexRelease(repo, signal);
            return report;
          },
        };
  try {
    const { index } = await indexStep(promoted, keepingReport);
    return { index: index ?? { status: 'skipped', reason: 'not indexed' }, ...(report ? { report } : {}) };
  } catch (error) {
    const message = describeError(error, context.redact);
    context.logger.error(
      { repo: promoted.repoId, error: message },
      `indexing failed: ${promoted.repoId}: ${message}`,
    );
    return { index: { status: 'failed', error: message } };
  }
}

async function recordFailure(
  item: RepositoryToSync,
  stepInput: object,
  error: unknown,
  context: SyncStepContext,
): Promise<SyncResult> {
  const message = describeError(error, context.redact);
  const stepError: StepError = { Error: error instanceof Error ? error.name : 'Error', Cause: message };
  try {
    return (await recordFailureStep({ ...stepInput, error: stepError }, context)).result;
  } catch {
    // Only an input record-failure cannot read gets here; the original failure is what matters.
    return failedResult(item.repoId, null, message, 0);
  }
}
