/**
 * Pure helpers that build API URLs and vet URLs found in model output.
 * Kept free of React and the DOM so Vitest can run them in Node.
 */

/** Encodes each `/`-separated segment of a path on its own, keeping the slashes. */
export function encodePathSegments(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** URL of a stored file's content (`text/plain`) for the source viewer. */
export function sourceContentUrl(key: string): string {
  return `/api/sources/${encodePathSegments(key)}`;
}

/** URL of one watched repository, from its `owner/name` id. */
export function repositoryUrl(repositoryId: string): string {
  return `/api/repos/${encodePathSegments(repositoryId)}`;
}

/** URL of one stored conversation. */
export function conversationUrl(conversationId: string): string {
  return `/api/conversations/${encodeURIComponent(conversationId)}`;
}

/** URL of one API key (`DELETE` revokes it). */
export function apiKeyUrl(keyId: string): string {
  return `/api/keys/${encodeURIComponent(keyId)}`;
}

/** URL of one account (`DELETE` removes it with its keys and sessions). */
export function userUrl(userId: string): string {
  return `/api/users/${encodeURIComponent(userId)}`;
}

/** Query and optional filters of a search. Empty filters are left out of the URL. */
export interface SearchParameters {
  query: string;
  limit?: number;
  repo?: string;
  version?: string;
  language?: string;
  path?: string;
}

/** URL of `GET /api/search` for the given query and filters. */
export function searchUrl(parameters: SearchParameters): string {
  const query = new URLSearchParams({ q: parameters.query, k: String(parameters.limit ?? 10) });
  const filters: Array<[string, string | undefined]> = [
    ['repo', parameters.repo],
    ['version', parameters.version],
    ['lang', parameters.language],
    ['path', parameters.path],
  ];
  for (const [name, value] of filters) {
    const trimmed = value?.trim();
    if (trimmed) query.set(name, trimmed);
  }
  return `/api/search?${query.toString()}`;
}

/** The file name a download of an object-store key should get: its last path segment. */
export function downloadFileName(key: string): string {
  const segments = key.split('/').filter((segment) => segment.length > 0);
  return segments.at(-1) ?? 'download.txt';
}

// Browsers drop tabs, newlines and leading control characters when they parse a URL,
// so `java\tscript:` must be judged as `javascript:`.
function withoutControlCharacters(url: string): string {
  let result = '';
  for (const character of url) {
    const code = character.charCodeAt(0);
    if (code > 0x20 && code !== 0x7f) result += character;
  }
  return result;
}

const SCHEME = /^([a-z][a-z0-9+.-]*):/i;
const ALLOWED_SCHEMES = new Set(['http', 'https']);

/**
 * Keeps http(s) and relative URLs (including `#fragment` and `//host/…`) and returns `''` for
 * anything else (`javascript:`, `data:`, `vbscript:`, …), which drops the attribute.
 * Meant as react-markdown's `urlTransform`.
 */
export function safeLinkUrl(url: string): string {
  const scheme = SCHEME.exec(withoutControlCharacters(url))?.[1];
  if (scheme === undefined) return url;
  return ALLOWED_SCHEMES.has(scheme.toLowerCase()) ? url : '';
}

/** Whether a URL leaves this app (http(s) or scheme-relative), so it opens in a new tab. */
export function isExternalUrl(url: string): boolean {
  return /^(https?:)?\/\//i.test(url.trim());
}
