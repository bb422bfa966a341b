import { createHash } from 'node:crypto';

/** The parts of a stored repository the JSON shapes need. */
export interface WireRepo {
  owner: string;
  name: string;
}

/** The parts of a stored release the JSON shapes need. */
export interface WireRelease {
  id: number;
  tag: string;
  draft: boolean;
  prerelease: boolean;
  assets: WireAsset[];
}

/** The parts of a stored asset the JSON shapes need. */
export interface WireAsset {
  id: number;
  name: string;
  size: number;
}

const epoch = Date.UTC(2024, 0, 1);

/** Ids grow with creation, so timestamps derived from them keep creation order. */
function timestamp(id: number): string {
  return new Date(epoch + id * 60_000).toISOString();
}

/** `GET /repos/{owner}/{repo}` body. */
export function repoJson(repo: WireRepo, apiBase: string): Record<string, unknown> {
  return {
    id: Number.parseInt(sha1(`${repo.owner}/${repo.name}`).slice(0, 8), 16),
    name: repo.name,
    full_name: `${repo.owner}/${repo.name}`,
    private: false,
    owner: { login: repo.owner, type: 'Organization' },
    html_url: `https://github.com/${repo.owner}/${repo.name}`,
    url: `${apiBase}/repos/${repo.owner}/${repo.name}`,
    default_branch: 'main',
    archived: false,
  };
}

/** One release as GitHub returns it. */
export function releaseJson(repo: WireRepo, release: WireRelease, apiBase: string): Record<string, unknown> {
  const base = `${apiBase}/repos/${repo.owner}/${repo.name}`;
  return {
    url: `${base}/releases/${release.id}`,
    html_url: `https://github.com/${repo.owner}/${repo.name}/releases/tag/${release.tag}`,
    id: release.id,
    tag_name: release.tag,
    target_commitish: 'main',
    name: release.tag,
    draft: release.draft,
    prerelease: release.prerelease,
    created_at: timestamp(release.id),
    published_at: release.draft ? null : timestamp(release.id),
    tarball_url: `${base}/tarball/${release.tag}`,
    zipball_url: `${base}/zipball/${release.tag}`,
    body: '',
    assets: release.assets.map((asset) => assetJson(repo, release.tag, asset, apiBase)),
  };
}

/** One release asset as GitHub returns it. */
export function assetJson(
  repo: WireRepo,
  tag: string,
  asset: WireAsset,
  apiBase: string,
): Record<string, unknown> {
  return {
    url: `${apiBase}/repos/${repo.owner}/${repo.name}/releases/assets/${asset.id}`,
    browser_download_url: `https://github.com/${repo.owner}/${repo.name}/releases/download/${tag}/${asset.name}`,
    id: asset.id,
    name: asset.name,
    label: null,
    content_type: 'application/octet-stream',
    state: 'uploaded',
    size: asset.size,
    download_count: 0,
    created_at: timestamp(asset.id),
    updated_at: timestamp(asset.id),
  };
}

/** One entry of `GET /repos/{owner}/{repo}/tags`. */
export function tagJson(repo: WireRepo, tag: string, apiBase: string): Record<string, unknown> {
  const base = `${apiBase}/repos/${repo.owner}/${repo.name}`;
  const sha = sha1(`${repo.owner}/${repo.name}@${tag}`);
  return {
    name: tag,
    commit: { sha, url: `${base}/commits/${sha}` },
    zipball_url: `${base}/zipball/refs/tags/${tag}`,
    tarball_url: `${base}/tarball/refs/tags/${tag}`,
    node_id: Buffer.from(tag).toString('base64'),
  };
}

/** GitHub's `Link` pagination header for `page` of `lastPage`, or `null` for a single page. */
export function linkHeader(url: URL, page: number, lastPage: number): string | null {
  const at = (target: number) => {
    const pageUrl = new URL(url);
    pageUrl.searchParams.set('page', String(target));
    return pageUrl.href;
  };
  const links: string[] = [];
  if (page > 1) links.push(`<${at(page - 1)}>; rel="prev"`);
  if (page < lastPage) links.push(`<${at(page + 1)}>; rel="next"`, `<${at(lastPage)}>; rel="last"`);
  if (page > 1) links.push(`<${at(1)}>; rel="first"`);
  return links.length > 0 ? links.join(', ') : null;
}

/** `If-None-Match` semantics: a list of tags, weak comparison, `*` matches anything. */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch
    .split(',')
    .some((candidate) => candidate.trim() === '*' || opaque(candidate) === opaque(etag));
}

/** The `message` GitHub sends with an error status. */
export function errorMessage(status: number, headers: Record<string, string>): string {
  if (status === 401) return 'Bad credentials';
  if (status === 404) return 'Not Found';
  if (status === 403 && headers['x-ratelimit-remaining'] === '0') {
    return "API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)";
  }
  if (status === 429 || (status === 403 && headers['retry-after'] !== undefined)) {
    return 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.';
  }
  if (status === 403) return 'Forbidden';
  if (status >= 500) return 'Server Error';
  return 'Error';
}

/** Hex SHA-1, for ETags and fake commit ids. */
export function sha1(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}
