import picomatch from 'picomatch';
import { ValidationError } from '../core/errors/index.ts';
import { safeDecode } from '../core/safe-url.ts';
import type { CrawlSkipReason } from './crawl-types.ts';

/** The answer of `UrlPolicy.check`. */
export type UrlCheck = { allowed: true } | { allowed: false; reason: CrawlSkipReason };

/** Decides whether a discovered URL may be crawled. */
export interface UrlPolicy {
  /**
   * Whether `url` (normalised with `normalizeUrl`, so that equal pages count once) may be fetched. An
   * allowed answer takes one place in the URL's trap budget; asking again about the same URL does not.
   */
  check(url: string): UrlCheck;
}

/** What `createUrlPolicy` needs; `include` and `exclude` are globs over the URL path. */
export interface UrlPolicyOptions {
  startUrls: string[];
  include: string[];
  exclude: string[];
  /** URLs admitted per URL pattern (see `urlPatternOf`); 100 when absent. */
  maxPagesPerPattern?: number;
}

/** Longer URLs are almost always generated (session ids, nested redirects), not pages. */
const maxUrlLength = 2000;
const maxPathSegments = 15;
/** A segment seen this often (`/a/b/a/b/a/`) comes from a relative link that resolves into itself. */
const maxSegmentRepeats = 3;
const maxQueryParameters = 10;
const defaultMaxPagesPerPattern = 100;

/**
 * Extensions of files that cannot be indexed as HTML pages. Skipping them by name saves a request;
 * anything else is still checked by its content type once fetched. Plain text and Markdown are not
 * here, because documentation sites serve pages under those names.
 */
const unindexableExtensions = new Set(
  [
    ['png', 'jpg', 'jpeg', 'gif', 'webp', 'avif', 'bmp', 'tif', 'tiff', 'ico', 'svg', 'heic', 'psd', 'ai'],
    ['mp3', 'wav', 'ogg', 'oga', 'flac', 'aac', 'm4a', 'opus', 'mid', 'midi'],
    ['mp4', 'm4v', 'webm', 'mov', 'avi', 'mkv', 'wmv', 'flv', 'mpg', 'mpeg', 'ogv', '3gp', 'swf'],
    ['woff', 'woff2', 'ttf', 'otf', 'eot'],
    ['zip', 'tar', 'gz', 'tgz', 'bz2', 'xz', 'zst', '7z', 'rar', 'jar', 'war', 'whl', 'gem', 'nupkg'],
    ['exe', 'msi', 'dmg', 'pkg', 'deb', 'rpm', 'apk', 'appimage', 'iso', 'img', 'bin', 'dll', 'so', 'class'],
    ['pdf', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'odt', 'ods', 'odp', 'rtf', 'epub', 'ps', 'eps'],
    ['css', 'js', 'mjs', 'cjs', 'json', 'xml', 'rss', 'atom', 'csv', 'ics', 'map', 'wasm'],
  ].flat(),
);

/**
 * A policy that admits URLs on the start URLs' hosts (host and port) and rejects, in this order:
 * other hosts (`other-host`), files that are not pages (`file-type`), paths matching an `exclude` glob
 * (`excluded`), paths matching no `include` glob when there are any (`not-included`), and URL traps
 * (`url-trap`, see `UrlTrapGuard`). Globs match the URL's path only (`/blog/**`), never its query;
 * a glob that starts with a name (`docs/**`) is taken from the root (`/docs/**`). Throws a
 * `ValidationError` for a start URL that is not http(s) or a budget that is not a positive integer.
 */
export function createUrlPolicy(options: UrlPolicyOptions): UrlPolicy {
  const hosts = startHosts(options.startUrls);
  const isIncluded = pathMatcher(options.include);
  const isExcluded = pathMatcher(options.exclude);
  const guard = new UrlTrapGuard(options.maxPagesPerPattern ?? defaultMaxPagesPerPattern);
  return {
    check(url: string): UrlCheck {
      const parsed = parseHttpUrl(url);
      if (parsed === undefined || !hosts.has(parsed.host)) return rejected('other-host');
      if (hasUnindexableExtension(parsed.pathname)) return rejected('file-type');
      if (options.exclude.length > 0 && isExcluded(parsed.pathname)) return rejected('excluded');
      if (options.include.length > 0 && !isIncluded(parsed.pathname)) return rejected('not-included');
      if (!guard.admit(parsed)) return rejected('url-trap');
      return { allowed: true };
    },
  };
}

/**
 * Ends endless link spaces: URLs that are too long or too deep, repeat a path segment, carry too many
 * query parameters, or exceed the budget of their URL pattern. A calendar that links each month to
 * the next (`/calendar?month=2026-12`, `/events/2027/01/`) produces new URLs forever but only one
 * pattern, so it stops after `maxPagesPerPattern` pages.
 */
export class UrlTrapGuard {
  private readonly admittedPerPattern = new Map<string, number>();
  private readonly admitted = new Set<string>();

  constructor(private readonly maxPagesPerPattern: number) {
    if (!Number.isInteger(maxPagesPerPattern) || maxPagesPerPattern < 1) {
      throw new ValidationError(
        `maxPagesPerPattern must be a positive whole number; it is ${String(maxPagesPerPattern)}.`,
      );
    }
  }

  /** Whether `url` may be crawled; counts it against its pattern's budget the first time it is admitted. */
  admit(url: URL): boolean {
    if (this.admitted.has(url.href)) return true;
    if (isStructuralTrap(url)) return false;
    const pattern = urlPatternOf(url);
    const count = this.admittedPerPattern.get(pattern) ?? 0;
    if (count >= this.maxPagesPerPattern) return false;
    this.admittedPerPattern.set(pattern, count + 1);
    this.admitted.add(url.href);
    return true;
  }
}

/**
 * The pattern a URL's budget is kept under: its host and path with each run of digits replaced by `#`,
 * followed by its sorted query parameter names (values dropped): `https://example.com/events/2027/01/`
 * → `example.com/events/#/#/`, `/calendar?month=2026-12&view=grid` → `example.com/calendar?month&view`.
 */
export function urlPatternOf(url: URL): string {
  const path = url.pathname.replace(/\d+/g, '#');
  const names = [...new Set(queryParameters(url).map(parameterName))].sort();
  return names.length === 0 ? `${url.host}${path}` : `${url.host}${path}?${names.join('&')}`;
}

function isStructuralTrap(url: URL): boolean {
  if (url.href.length > maxUrlLength) return true;
  if (queryParameters(url).length > maxQueryParameters) return true;
  const segments = url.pathname.split('/').filter((segment) => segment !== '');
  if (segments.length > maxPathSegments) return true;
  const seen = new Map<string, number>();
  for (const segment of segments) {
    const count = (seen.get(segment) ?? 0) + 1;
    if (count >= maxSegmentRepeats) return true;
    seen.set(segment, count);
  }
  return false;
}

function hasUnindexableExtension(pathname: string): boolean {
  const lastSegment = pathname.slice(pathname.lastIndexOf('/') + 1);
  const dot = lastSegment.lastIndexOf('.');
  if (dot <= 0) return false;
  return unindexableExtensions.has(lastSegment.slice(dot + 1).toLowerCase());
}

function startHosts(startUrls: string[]): Set<string> {
  if (startUrls.length === 0) throw new ValidationError('A crawl needs at least one start URL.');
  const hosts = new Set<string>();
  for (const startUrl of startUrls) {
    const parsed = parseHttpUrl(startUrl);
    if (parsed === undefined) {
      throw new ValidationError(`The start URL "${startUrl}" is not an http or https URL.`);
    }
    hosts.add(parsed.host);
  }
  return hosts;
}

/** Matches the raw path or its decoded form, so `/café/**` matches `/caf%C3%A9/menu`. */
function pathMatcher(globs: string[]): (pathname: string) => boolean {
  const matchers = globs.map((glob) => compileGlob(glob));
  return (pathname) => {
    const decoded = safeDecode(pathname);
    return matchers.some((matches) => matches(pathname) || (decoded !== pathname && matches(decoded)));
  };
}

function compileGlob(glob: string): (path: string) => boolean {
  const rooted = /^[\w.~%-]/.test(glob) ? `/${glob}` : glob;
  try {
    return picomatch(rooted, { dot: true });
  } catch (error) {
    throw new ValidationError(`The path glob "${glob}" is not valid.`, {
      cause: error,
      hint: 'Use a glob over the URL path such as /docs/**.',
    });
  }
}

function queryParameters(url: URL): string[] {
  return url.search
    .slice(1)
    .split('&')
    .filter((parameter) => parameter !== '');
}

function parameterName(parameter: string): string {
  const separator = parameter.indexOf('=');
  return separator === -1 ? parameter : parameter.slice(0, separator);
}

function rejected(reason: CrawlSkipReason): UrlCheck {
  return { allowed: false, reason };
}

function parseHttpUrl(raw: string): URL | undefined {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}
