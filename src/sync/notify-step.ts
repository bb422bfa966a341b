import { describeError } from '../core/redact.ts';
import { parseRepoId } from '../core/repo-id.ts';
import { parseStepInput } from './parse-step-input.ts';
import { currentPrefix } from './release-layout.ts';
import { type NotifiedRun, promotedRunSchema } from './sync-step-schemas.ts';
import type { SyncStepContext } from './sync-types.ts';

/**
 * Step 5: tells subscribers (`context.notifier`) that a new release is in place, with a
 * `release-extracted` event, and returns the run with `notified` added. A notification that cannot be
 * delivered is logged, not fatal: the release is already current and recorded.
 *
 * Delivery is at least once: this step keeps no record of what it sent, so a retried or repeated call
 * sends the event again. Subscribers that must act once per release should key on `repo` and `tag`.
 */
export async function notifyStep(input: unknown, context: SyncStepContext): Promise<NotifiedRun> {
  const run = parseStepInput(promotedRunSchema, input, 'notify');
  const { result } = run;
  if (result.status !== 'updated' || result.tag === null) return { ...run, notified: false };
  // Subscribers act on what is announced: announce only what the catalog records as current.
  const recorded = await context.catalog.getRepo(run.repoId);
  if (result.id.toLowerCase() !== run.repoId.toLowerCase() || recorded?.version !== result.tag) {
    context.logger.warn(
      { repo: run.repoId, tag: result.tag },
      'not announcing a release the catalog does not record as current',
    );
    return { ...run, notified: false };
  }
  const location = context.store.urlOf(currentPrefix(parseRepoId(run.repoId), result.tag));
  try {
    await context.notifier.notify({
      event: 'release-extracted',
      repo: result.id,
      tag: result.tag,
      previousTag: result.previousTag,
      files: result.files,
      bytes: result.bytes,
      location,
      message: `Repository ${result.id} with the tag ${result.tag} has been extracted to ${location}`,
    });
    return { ...run, notified: true };
  } catch (error) {
    context.logger.warn(
      { repo: run.repoId, tag: result.tag, error: describeError(error, context.redact) },
      'notification failed',
    );
    return { ...run, notified: false };
  }
}
