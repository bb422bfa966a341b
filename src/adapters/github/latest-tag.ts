import { ValidationError } from '../../core/errors/index.ts';
import type { LatestRelease, LatestReleaseQuery } from '../../core/ports/release-source.ts';
import {
  conditionalHeaders,
  type GitHubContext,
  type RepoQuery,
  repoId,
  requestFailure,
  signalOption,
  sourceArchive,
} from './github-context.ts';
import { repositoryNotFound, statusOf } from './github-errors.ts';
import { highestStableTag } from './semver-tags.ts';

/**
 * `track: 'tags'`: the highest stable semver tag across every page of tags. The first page carries the
 * ETag, so an unchanged first page answers `not-modified` after one request.
 */
export async function latestTag(
  context: GitHubContext,
  query: LatestReleaseQuery,
  signal?: AbortSignal,
): Promise<LatestRelease> {
  if (query.asset !== null) {
    throw new ValidationError(
      `Repository ${repoId(query)} tracks tags, which have no assets to match "${query.asset}".`,
      {
        hint: 'Track releases to download an asset, or remove the asset glob to download the source tarball.',
      },
    );
  }
  const firstPage = await context.octokit
    .request('GET /repos/{owner}/{repo}/tags', {
      owner: query.owner,
      repo: query.name,
      per_page: 100,
      headers: conditionalHeaders(query.etag),
      request: signalOption(signal),
    })
    .catch((error: unknown): LatestRelease => {
      const status = statusOf(error);
      if (status === 304) return { state: 'not-modified' };
      if (status === 404) throw repositoryNotFound(repoId(query), context.site, error);
      throw requestFailure(error, `list the tags of ${repoId(query)}`, context, signal);
    });
  if ('state' in firstPage) return firstPage;
  const names = firstPage.data.map((entry) => entry.name);
  names.push(...(await laterTagPages(context, query, firstPage.headers.link, signal)));
  const tag = highestStableTag(names);
  const etag = firstPage.headers.etag ?? null;
  if (tag === null) return { state: 'none', etag };
  return { state: 'found', tag, etag, archive: sourceArchive(query.name, tag) };
}

/** Follows `rel="next"` links, only on the API's own origin so the token never goes elsewhere. */
async function laterTagPages(
  context: GitHubContext,
  query: RepoQuery,
  link: string | undefined,
  signal?: AbortSignal,
): Promise<string[]> {
  const names: string[] = [];
  const visited = new Set<string>();
  for (let next = nextPageUrl(link); next !== null; ) {
    if (new URL(next).origin !== context.apiOrigin || visited.has(next)) break;
    visited.add(next);
    try {
      const page = await context.octokit.request(next, { request: signalOption(signal) });
      names.push(...tagNames(page.data));
      next = nextPageUrl(page.headers.link);
    } catch (error) {
      throw requestFailure(error, `list the tags of ${repoId(query)}`, context, signal);
    }
  }
  return names;
}

function nextPageUrl(link: string | undefined): string | null {
  const match = link === undefined ? null : /<([^>]+)>;\s*rel="next"/.exec(link);
  return match?.[1] ?? null;
}

function tagNames(data: unknown): string[] {
  if (!Array.isArray(data)) return [];
  return data.flatMap((entry: unknown) => {
    const name = typeof entry === 'object' && entry !== null ? (entry as { name?: unknown }).name : undefined;
    return typeof name === 'string' ? [name] : [];
  });
}
