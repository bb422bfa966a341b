import type { FetchTextResult } from './fetch-text.ts';
import { parseLlmsTxt } from './llms-txt.ts';
import { normalizeUrl } from './normalize-url.ts';
import { allowAllRobots, disallowAllRobots, parseRobotsTxt, type RobotsRules } from './robots-txt.ts';
import { parseSitemap, type SitemapPage } from './sitemap.ts';

/** Sitemap files read per origin at most (a sitemap index can name thousands). */
const maxSitemapFiles = 20;

/** What {@link discoverSite} needs. */
export interface DiscoveryOptions {
  /** A guarded GET (`fetchText` with the crawl's limits). */
  fetch: (url: string) => Promise<FetchTextResult>;
  userAgent: string;
}

/** What a site says about itself before any page is crawled. */
export interface SiteDiscovery {
  /** robots.txt rules by host (http and https share them: the crawl treats them as one site). */
  robots: Map<string, RobotsRules>;
  /** Pages named by sitemaps (with `lastmod`) and llms.txt, on the crawled origins only. */
  seeds: SitemapPage[];
  /** The longest `Crawl-delay` the origins ask of this crawler. */
  crawlDelaySeconds: number | undefined;
  /** What could not be read (a broken sitemap, an unreachable robots.txt), in words. */
  notes: string[];
}

/**
 * Reads robots.txt, the sitemaps (those robots.txt names, else `/sitemap.xml`, following sitemap
 * indexes) and `llms.txt` of each origin. Missing files are normal; files that fail are noted, and a
 * robots.txt that answers with a server error means "crawl nothing" (RFC 9309), so a site that is down
 * is never hammered.
 */
export async function discoverSite(origins: string[], options: DiscoveryOptions): Promise<SiteDiscovery> {
  const discovery: SiteDiscovery = { robots: new Map(), seeds: [], crawlDelaySeconds: undefined, notes: [] };
  for (const origin of new Set(origins)) {
    const robots = await readRobots(origin, options, discovery.notes);
    const host = new URL(origin).host;
    if (!discovery.robots.has(host)) discovery.robots.set(host, robots);
    if (robots.crawlDelaySeconds !== undefined) {
      discovery.crawlDelaySeconds = Math.max(discovery.crawlDelaySeconds ?? 0, robots.crawlDelaySeconds);
    }
    const sameOrigin = (url: string) => new URL(url).origin === origin;
    const sitemapUrls = robots.sitemaps.length > 0 ? robots.sitemaps : [`${origin}/sitemap.xml`];
    const pages = await readSitemaps(sitemapUrls.filter(sameOrigin), options, discovery.notes);
    const llms = await readLlmsTxt(origin, options, discovery.notes);
    discovery.seeds.push(...pages.filter((page) => sameOrigin(page.url)));
    discovery.seeds.push(...llms.filter(sameOrigin).map((url) => ({ url })));
  }
  return discovery;
}

async function readRobots(origin: string, options: DiscoveryOptions, notes: string[]): Promise<RobotsRules> {
  const url = `${origin}/robots.txt`;
  try {
    const response = await options.fetch(url);
    if (response.status >= 200 && response.status < 300) {
      // Parsed as the file that was asked for: rules fetched through a redirect still govern this origin.
      return parseRobotsTxt(url, response.text, options.userAgent);
    }
    if (response.status >= 500 || response.status === 429) {
      notes.push(`${url} answered ${response.status}: nothing on ${origin} is crawled (RFC 9309)`);
      return disallowAllRobots();
    }
    return allowAllRobots();
  } catch (error) {
    notes.push(`${url} could not be read (${messageOf(error)}): nothing on ${origin} is crawled`);
    return disallowAllRobots();
  }
}

async function readSitemaps(
  urls: string[],
  options: DiscoveryOptions,
  notes: string[],
): Promise<SitemapPage[]> {
  const pages: SitemapPage[] = [];
  const queue = [...urls];
  const read = new Set<string>();
  while (queue.length > 0 && read.size < maxSitemapFiles) {
    const url = queue.shift() as string;
    if (read.has(url)) continue;
    read.add(url);
    try {
      const response = await options.fetch(url);
      if (response.status < 200 || response.status >= 300) continue;
      if (response.truncated) notes.push(`${url} is larger than the sitemap limit; only its start was read`);
      const parsed = parseSitemap(response.text);
      pages.push(...parsed.pages);
      queue.push(...parsed.sitemaps);
    } catch (error) {
      notes.push(`${url} could not be read (${messageOf(error)})`);
    }
  }
  return pages;
}

async function readLlmsTxt(origin: string, options: DiscoveryOptions, notes: string[]): Promise<string[]> {
  const url = `${origin}/llms.txt`;
  try {
    const response = await options.fetch(url);
    const type = response.headers['content-type'] ?? 'text/plain';
    if (response.status < 200 || response.status >= 300 || !/^text\/(plain|markdown)/i.test(type)) return [];
    return parseLlmsTxt(response.text, response.url).flatMap((link) => normalizeUrl(link) ?? []);
  } catch (error) {
    notes.push(`${url} could not be read (${messageOf(error)})`);
    return [];
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
