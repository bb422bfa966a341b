import robotsParserModule from 'robots-parser';
import { normalizeUrl } from './normalize-url.ts';

/** What a site's robots.txt says to this crawler. */
export interface RobotsRules {
  /** Whether `url` may be fetched; always `true` for URLs this robots.txt does not govern. */
  isAllowed(url: string): boolean;
  /** Seconds to wait between requests (at most 60); `undefined` when the site sets none, 0 or nonsense. */
  crawlDelaySeconds: number | undefined;
  /** The `Sitemap:` URLs, normalised and de-duplicated, in order. */
  sitemaps: string[];
}

/**
 * robots-parser is CommonJS but its typings declare an ES default export, so under NodeNext TypeScript
 * types the default import as the module object, while Node hands over `module.exports`: the function.
 */
const robotsParser = robotsParserModule as unknown as typeof robotsParserModule.default;

/** A `Crawl-delay` longer than this would stall a crawl for hours on a site of a few hundred pages. */
const maxCrawlDelaySeconds = 60;
/** RFC 9309 asks crawlers to read at least 500 KiB; more than that is not worth parsing. */
const maxRobotsTxtLength = 500 * 1024;

/**
 * The rules of the robots.txt at `robotsUrl` for `userAgent` (`QuarryBot/0.1 (+https://…)`). Groups are
 * chosen by the product token (`QuarryBot`), case-insensitively and as a whole word: a
 * `User-agent: QuarryBot` group applies, and `User-agent: *` only when no group names the token.
 * Rules cover the scheme, host and port of `robotsUrl` only; the longest matching rule wins, and
 * `Allow` wins a tie.
 */
export function parseRobotsTxt(robotsUrl: string, text: string, userAgent: string): RobotsRules {
  const robots = robotsParser(robotsUrl, truncate(text.replace(/^\uFEFF/, '')));
  const token = productToken(userAgent);
  return {
    // robots-parser answers `undefined` for URLs of another scheme, host or port. The crawl treats the
    // http and https pages of a host as one site, so such a URL is asked about as if on this scheme.
    isAllowed: (url) => robots.isAllowed(onSchemeOf(url, robotsUrl), token) ?? true,
    crawlDelaySeconds: crawlDelay(robots.getCrawlDelay(token)),
    sitemaps: sitemapUrls(robots.getSitemaps(), robotsUrl),
  };
}

function onSchemeOf(url: string, robotsUrl: string): string {
  const target = new URL(url);
  const robots = new URL(robotsUrl);
  if (target.protocol === robots.protocol || target.hostname !== robots.hostname) return url;
  target.protocol = robots.protocol;
  return target.host === robots.host ? target.href : url;
}

/** The rules for a site without robots.txt (it answered 4xx, RFC 9309 section 2.3.1.3): crawl everything. */
export function allowAllRobots(): RobotsRules {
  return { isAllowed: () => true, crawlDelaySeconds: undefined, sitemaps: [] };
}

/**
 * The rules for a site whose robots.txt could not be read because the server failed (5xx) or did not
 * answer: crawl nothing. RFC 9309 (section 2.3.1.4) asks crawlers to assume a complete disallow then,
 * since the server may be failing under load; a crawler CLI may find this harsh, but it is the polite
 * answer, and the next crawl tries again. Many crawlers treat 429 Too Many Requests the same way.
 */
export function disallowAllRobots(): RobotsRules {
  return { isAllowed: () => false, crawlDelaySeconds: undefined, sitemaps: [] };
}

/**
 * `QuarryBot` from `QuarryBot/0.1 (+https://…)`. robots-parser looks a group up by the whole user agent
 * it is given (lowercased, cut at the first `/`), not by a substring, so a user agent without a
 * version or with a prefix (`Mozilla/5.0 (compatible; QuarryBot/0.1)`) would never match its group.
 */
function productToken(userAgent: string): string {
  const token = userAgent.trim().split(/[/\s;()]/)[0] ?? '';
  return token === '' ? '*' : token;
}

/** Keeps whole lines only, so a cut never turns `Disallow: /private` into a broader `Disallow: /pr`. */
function truncate(text: string): string {
  if (text.length <= maxRobotsTxtLength) return text;
  const cut = text.slice(0, maxRobotsTxtLength);
  return cut.slice(0, Math.max(cut.lastIndexOf('\n'), 0));
}

function crawlDelay(seconds: number | undefined): number | undefined {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds <= 0) return undefined;
  return Math.min(seconds, maxCrawlDelaySeconds);
}

function sitemapUrls(sitemaps: string[], robotsUrl: string): string[] {
  const urls = sitemaps.map((sitemap) => normalizeUrl(sitemap, robotsUrl));
  return [...new Set(urls.filter((url) => url !== undefined))];
}
