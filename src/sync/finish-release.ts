import type { RepoRecord } from '../core/ports/catalog.ts';
import { describeError } from '../core/redact.ts';
import { parseRepoId } from '../core/repo-id.ts';
import type { ExtractedRelease } from './extract-release.ts';
import { currentPrefix, stagingPrefix } from './release-layout.ts';
import type { SyncContext } from './sync-types.ts';

/**
 * After a release is recorded as current: removes the run's staging leftovers and tells subscribers.
 * A notification that cannot be delivered is logged, not fatal: the release is already in place.
 */
export async function finishRelease(
  repo: RepoRecord,
  context: SyncContext,
  tag: string,
  runId: string,
  extracted: ExtractedRelease,
): Promise<void> {
  const name = parseRepoId(repo.id);
  await context.store.deletePrefix(stagingPrefix(name, runId));
  const location = context.store.urlOf(currentPrefix(name, tag));
  const previousTag = repo.version === tag ? null : repo.version;
  context.onProgress?.({
    repoId: repo.id,
    phase: 'done',
    tag,
    files: extracted.files,
    bytes: extracted.bytes,
    downloadedBytes: 0,
    totalBytes: null,
  });
  try {
    await context.notifier.notify({
      event: 'release-extracted',
      repo: repo.id,
      tag,
      previousTag,
      files: extracted.files,
      bytes: extracted.bytes,
      location,
      message: `Repository ${repo.id} with the tag ${tag} has been extracted to ${location}`,
    });
  } catch (error) {
    context.logger.warn(
      { repo: repo.id, tag, error: describeError(error, context.redact) },
      'notification failed',
    );
  }
}
