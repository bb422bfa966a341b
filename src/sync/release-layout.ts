import { ValidationError } from '../core/errors/index.ts';
import type { RepoName } from '../core/repo-id.ts';

// Tags are used as one key segment. Most tags (v1.2.3, 2024-01-01, release_7) are kept as they are, so
// the layout stays readable for Amazon Q customizations; anything else is percent-encoded.
const plainTag = /^[A-Za-z0-9][A-Za-z0-9._+@-]*$/;

/** The key segment a tag is stored under: the tag itself, or percent-encoded when it has `/` or similar. */
export function tagSegment(tag: string): string {
  if (tag === '' || tag === '.' || tag === '..')
    throw new ValidationError(`The tag ${JSON.stringify(tag)} cannot be stored.`);
  // `~` is encoded too: the local store reserves it for temporary names.
  return plainTag.test(tag) ? tag : encodeURIComponent(tag).replace(/\./g, '%2E').replace(/~/g, '%7E');
}

/** The inverse of {@link tagSegment}. */
export function tagFromSegment(segment: string): string {
  return decodeURIComponent(segment);
}

/** `current/<owner>/<repo>/` — where the live version of a repo lives. */
export function currentRoot(repo: RepoName): string {
  return `current/${repo.owner}/${repo.name}/`;
}

/** `current/<owner>/<repo>/<tag>/` */
export function currentPrefix(repo: RepoName, tag: string): string {
  return `${currentRoot(repo)}${tagSegment(tag)}/`;
}

/** `archived/<owner>/<repo>/<tag>/` — where replaced versions are kept. */
export function archivedPrefix(repo: RepoName, tag: string): string {
  return `archived/${repo.owner}/${repo.name}/${tagSegment(tag)}/`;
}

/** `staging/<owner>/<repo>/` — scratch space of all runs of a repo; never read by consumers. */
export function stagingRoot(repo: RepoName): string {
  return `staging/${repo.owner}/${repo.name}/`;
}

/** `staging/<owner>/<repo>/<run id>/` */
export function stagingPrefix(repo: RepoName, runId: string): string {
  return `${stagingRoot(repo)}${runId}/`;
}

/**
 * `staging/<owner>/<repo>/.extracted/<run id>.json` — the record the extract step writes last. It sits
 * beside the run's staging prefix, not in it, so that no archive entry can clash with it and promotion
 * does not move it; run ids start with a letter or digit, so none is `.extracted`.
 */
export function extractionMarkerKey(repo: RepoName, runId: string): string {
  return `${stagingRoot(repo)}.extracted/${runId}.json`;
}
