import type { ObjectStore } from '../core/ports/object-store.ts';
import type { RepoName } from '../core/repo-id.ts';
import { type ExtractionMarker, writeExtractionMarker } from './extraction-marker.ts';
import { countObjects, mergePrefix } from './merge-prefix.ts';
import { archivedPrefix, currentPrefix, stagingPrefix } from './release-layout.ts';

/** The release a run promotes. */
export interface ReleaseToPlace {
  repo: RepoName;
  runId: string;
  tag: string;
  /** The version to move to `archived/`, or `null` (first sync, or the same tag extracted again). */
  previousTag: string | null;
}

/**
 * Moves the run's staged release to `current/<owner>/<repo>/<tag>/` (one folder rename on a local store),
 * then the previous version to `archived/`. The marker is rewritten before each move, so a promote killed
 * part-way resumes where it stopped instead of repeating a move that half happened: a repeated
 * `movePrefix` would replace the target with the sources that are left, losing the objects an S3 move
 * (copy all, then delete) had already deleted from its source.
 */
export async function moveIntoPlace(
  store: ObjectStore,
  release: ReleaseToPlace,
  marker: ExtractionMarker,
): Promise<void> {
  const staging = stagingPrefix(release.repo, release.runId);
  const source = marker.rootFolder === null ? staging : `${staging}${marker.rootFolder}/`;
  const target = currentPrefix(release.repo, release.tag);
  const mark = (phase: ExtractionMarker['phase']) =>
    writeExtractionMarker(store, release.repo, release.runId, { ...marker, phase });
  if (marker.phase === 'extracted') {
    await mark('moving');
    await store.movePrefix(source, target);
  } else if (marker.phase === 'moving') {
    await resumeMove(store, source, target, marker.files);
  }
  const previous = release.previousTag;
  if (previous === null || previous === release.tag) return;
  const from = currentPrefix(release.repo, previous);
  const to = archivedPrefix(release.repo, previous);
  if (marker.phase === 'archiving') {
    await mergePrefix(store, from, to);
  } else {
    await mark('archiving');
    await store.movePrefix(from, to);
  }
}

/**
 * Finishes a staging → `current/` move an earlier attempt began. All files still staged: nothing was
 * deleted yet, so the move is repeated whole (replacing a partial copy). Some: the move was deleting its
 * sources, so the target is complete and the rest is merged in. None: the move finished.
 *
 * A staged file count below `files` can also mean the archive repeated a path (each repeat counts); that
 * case is merged too, which is right unless the same tag was force-extracted over an older copy of itself.
 */
async function resumeMove(store: ObjectStore, source: string, target: string, files: number): Promise<void> {
  const staged = await countObjects(store, source);
  if (staged === 0) return;
  if (staged === files) await store.movePrefix(source, target);
  else await mergePrefix(store, source, target);
}
