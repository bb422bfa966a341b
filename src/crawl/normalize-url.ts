import { ValidationError } from '../core/errors/index.ts';
import { safeDecode } from '../core/safe-url.ts';

/**
 * Query parameters that only say where a visitor came from. Dropping them makes the links of a
 * newsletter or a social post land on the page already crawled instead of a copy of it.
 */
const trackingParameters = new Set([
  'fbclid',
  'gclid',
  'gbraid',
  'wbraid',
  'dclid',
  'msclkid',
  'mc_cid',
  'mc_eid',
  'ref_src',
]);

/**
 * The form of a link under which the crawler stores, de-duplicates and fetches a page, or `undefined`
 * when the link cannot be crawled (not http or https, or not a URL at all). `raw` is resolved against
 * `base` when it is relative. The result has no fragment, no userinfo (a crawler never sends
 * credentials taken from a link), no default port, no empty `?`, no tracking parameters (`utm_*`,
 * `fbclid`, `gclid`, …), and its query parameters sorted by name. The query is rearranged as raw
 * text, so every parameter keeps its exact encoding; the path keeps its case.
 */
export function normalizeUrl(raw: string, base?: string): string | undefined {
  const baseUrl = base === undefined ? undefined : parseUrl(base);
  const url = parseUrl(raw, baseUrl);
  if (url === undefined || (url.protocol !== 'http:' && url.protocol !== 'https:')) return undefined;
  // WHATWG parsing has already lowercased the scheme and host, dropped default ports and resolved
  // `.` and `..` segments.
  url.username = '';
  url.password = '';
  url.hash = '';
  url.search = normalizeQuery(url.search);
  return url.href;
}

/**
 * The normalised URL a page should be stored under: its `<link rel="canonical">` target when that is
 * an http(s) URL on the page's own host (and port), else the page's own normalised URL. A canonical
 * link to another host is ignored, because any page could otherwise file its content under another
 * site's address. Throws a `ValidationError` when `pageUrl` is not an http(s) URL.
 */
export function resolveCanonical(canonicalHref: string | undefined, pageUrl: string): string {
  const page = normalizeUrl(pageUrl);
  if (page === undefined) {
    throw new ValidationError('The page URL of a canonical link must be an http or https URL.');
  }
  if (canonicalHref === undefined || canonicalHref.trim() === '') return page;
  const canonical = normalizeUrl(canonicalHref, page);
  if (canonical === undefined || new URL(canonical).host !== new URL(page).host) return page;
  return canonical;
}

/** `?a=1&b=2` with empty and tracking parameters removed and the rest sorted by name (stable). */
function normalizeQuery(search: string): string {
  const parameters = search
    .slice(1)
    .split('&')
    .filter((parameter) => parameter !== '' && !isTrackingParameter(parameterName(parameter)));
  // Array#sort is stable, so repeated names (`tag=a&tag=b`) keep their order, which may matter.
  parameters.sort((left, right) => compareText(parameterName(left), parameterName(right)));
  return parameters.length === 0 ? '' : `?${parameters.join('&')}`;
}

function parameterName(parameter: string): string {
  const separator = parameter.indexOf('=');
  return separator === -1 ? parameter : parameter.slice(0, separator);
}

function isTrackingParameter(name: string): boolean {
  const decoded = safeDecode(name.replaceAll('+', ' ')).toLowerCase();
  return decoded.startsWith('utm_') || trackingParameters.has(decoded);
}

/** Code-unit order, so the result never depends on the locale of the machine. */
function compareText(left: string, right: string): number {
  if (left === right) return 0;
  return left < right ? -1 : 1;
}

function parseUrl(raw: string, base?: URL): URL | undefined {
  try {
    return new URL(raw, base);
  } catch {
    return undefined;
  }
}
