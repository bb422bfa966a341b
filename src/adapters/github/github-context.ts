import type { Octokit } from '@octokit/rest';
import type { LatestReleaseQuery, ReleaseArchive } from '../../core/ports/release-source.ts';
import { type GitHubSite, isAbort, upstreamErrorFrom } from './github-errors.ts';

/** The repository part of a query. */
export type RepoQuery = Pick<LatestReleaseQuery, 'owner' | 'name'>;

/** What every GitHub call of the release source shares. */
export interface GitHubContext {
  octokit: Octokit;
  site: GitHubSite;
  /** Origin of the API; pagination links elsewhere are not followed (they would receive the token). */
  apiOrigin: string;
}

/** `owner/name`. */
export function repoId(query: RepoQuery): string {
  return `${query.owner}/${query.name}`;
}

/** `If-None-Match` for a stored ETag, so an unchanged answer is a free 304. */
export function conditionalHeaders(etag: string | null): Record<string, string> {
  return etag ? { 'if-none-match': etag } : {};
}

/** Octokit's per-request options carrying the caller's signal, when there is one. */
export function signalOption(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal ? { signal } : {};
}

/** GitHub's source tarball of a tag. */
export function sourceArchive(name: string, tag: string): ReleaseArchive {
  // Tags may contain slashes; a file name may not.
  const fileName = `${name}-${tag.replaceAll('/', '-')}.tar.gz`;
  return { kind: 'tarball', format: 'tar.gz', assetId: null, name: fileName, size: null };
}

/** The error to throw for a failed call: a cancellation as it is, anything else explained. */
export function requestFailure(
  error: unknown,
  action: string,
  context: GitHubContext,
  signal?: AbortSignal,
): unknown {
  return isAbort(error, signal) ? error : upstreamErrorFrom(error, action, context.site);
}
