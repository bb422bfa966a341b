import type { Logger } from '../core/ports/logger.ts';
import type { ObjectStore } from '../core/ports/object-store.ts';
import type { RepoName } from '../core/repo-id.ts';
import { archivedPrefix, currentRoot, stagingRoot, tagFromSegment, tagSegment } from './release-layout.ts';

/** What {@link restoreLayout} found. */
export interface RestoredLayout {
  /** False when the recorded version is in neither `current/` nor `archived/` (its files are lost). */
  recordedVersionPresent: boolean;
}

/**
 * Brings a repository's folders back to what the catalog records, after a run that crashed or failed
 * part-way: staging leftovers are deleted, any version under `current/` other than the recorded one is
 * removed, and a recorded version already moved to `archived/` is moved back. Safe to run any time the
 * repository's lock is held.
 */
export async function restoreLayout(
  store: ObjectStore,
  repo: RepoName,
  recordedVersion: string | null,
  logger: Logger,
): Promise<RestoredLayout> {
  const removedStaging = await store.deletePrefix(stagingRoot(repo));
  if (removedStaging > 0) logger.info({ repo, files: removedStaging }, 'removed an unfinished extraction');
  const root = currentRoot(repo);
  const present = await childFolders(store, root);
  const recordedSegment = recordedVersion === null ? null : tagSegment(recordedVersion);
  for (const segment of present) {
    if (segment === recordedSegment) continue;
    const files = await store.deletePrefix(`${root}${segment}/`);
    logger.warn(
      { repo, tag: tagFromSegment(segment), files },
      'removed a version that was never recorded as current',
    );
  }
  if (recordedVersion === null || recordedSegment === null) return { recordedVersionPresent: true };
  if (present.includes(recordedSegment)) return { recordedVersionPresent: true };
  const archived = archivedPrefix(repo, recordedVersion);
  if (!(await hasObjects(store, archived))) return { recordedVersionPresent: false };
  await store.movePrefix(archived, `${root}${recordedSegment}/`);
  logger.warn({ repo, tag: recordedVersion }, 'moved the recorded version back from archived/');
  return { recordedVersionPresent: true };
}

/** The distinct first segments under `prefix`. */
async function childFolders(store: ObjectStore, prefix: string): Promise<string[]> {
  const names = new Set<string>();
  for await (const object of store.list(prefix)) {
    const rest = object.key.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash > 0) names.add(rest.slice(0, slash));
  }
  return [...names];
}

async function hasObjects(store: ObjectStore, prefix: string): Promise<boolean> {
  for await (const _object of store.list(prefix)) return true;
  return false;
}
