/** A crawled site: its source name in the knowledge base and how its last crawl went. */
export interface CrawlSiteRecord {
  /** The knowledge-base source name (unique, compared exactly). */
  name: string;
  /** The start URLs of the latest crawl, in the order given. */
  startUrls: string[];
  /** When the latest crawl started (ISO 8601), or `null`. */
  lastStartedAt: string | null;
  /** When the last finished crawl ended (ISO 8601); older than `lastStartedAt` while a crawl runs. */
  lastFinishedAt: string | null;
  /**
   * The JSON summary of the last finished crawl. Opaque to the catalog, which stores its JSON form: what
   * comes back is `JSON.parse(JSON.stringify(summary))`.
   */
  lastSummary: Record<string, unknown> | null;
  /** Pages currently recorded for the site (status 2xx/304 kept pages). */
  pageCount: number;
}

/** What the crawler remembers of one page, to ask "has it changed?" next time. */
export interface CrawlPageRecord {
  /** The {@link CrawlSiteRecord.name} of the site the page belongs to. */
  site: string;
  /** Normalised URL (unique within a site, compared exactly). */
  url: string;
  /** The ETag header of the last answer, sent back as If-None-Match. */
  etag: string | null;
  /** The Last-Modified header text, sent back as If-Modified-Since. */
  lastModified: string | null;
  /** SHA-256 hex of the page's body, `null` when it was never read. */
  contentHash: string | null;
  title: string | null;
  /** Path of the page's document in the knowledge base. */
  documentPath: string;
  /** Normalised URLs the page links to, in page order (kept so an unchanged page's links are followed). */
  outLinks: string[];
  /** When the page was last fetched (ISO 8601). */
  fetchedAt: string;
}

/**
 * What the crawler remembers between crawls: the sites and their pages.
 *
 * Contract (checked by `crawl-catalog.contract.ts`):
 * - Site names and page URLs are compared exactly. `startCrawl` adds the site or, when it exists, replaces
 *   its start URLs and start time, keeping its pages and its last finished crawl. `finishCrawl` and
 *   `removeCrawlSite` of an unknown site are a `NotFoundError`; `removeCrawlSite` removes the site's pages
 *   with it. `listCrawlSites` is sorted by name.
 * - `putCrawlPages` is all or nothing: every page is added or replaced (by site and URL), or, when one
 *   names an unknown site (`NotFoundError`) or is malformed (`ValidationError`), nothing changes. `outLinks`
 *   keep their order. An empty batch does nothing. `deleteCrawlPages` returns how many pages it removed;
 *   URLs that are not recorded (or an unknown site) count for nothing.
 * - Crawl times are stored as given; summaries must be JSON-serialisable plain objects (else a
 *   `ValidationError`) and come back as their JSON form.
 */
export interface CrawlCatalog {
  /** Adds the site or updates its start URLs, and records that a crawl of it started at `startedAt`. */
  startCrawl(site: { name: string; startUrls: string[] }, startedAt: string): Promise<void>;
  /** Records that the site's crawl finished at `finishedAt`, with its summary. */
  finishCrawl(name: string, finishedAt: string, summary: Record<string, unknown>): Promise<void>;
  /** Every crawled site, sorted by name. */
  listCrawlSites(): Promise<CrawlSiteRecord[]>;
  /** The site with exactly this name, or `undefined`. */
  getCrawlSite(name: string): Promise<CrawlSiteRecord | undefined>;
  /** What was recorded of the page at `url` of `site`, or `undefined`. */
  getCrawlPage(site: string, url: string): Promise<CrawlPageRecord | undefined>;
  /** Adds or replaces the pages atomically: all of them or none. */
  putCrawlPages(pages: readonly CrawlPageRecord[]): Promise<void>;
  /** Forgets the given pages of `site`; returns how many were recorded. */
  deleteCrawlPages(site: string, urls: readonly string[]): Promise<number>;
  /** Removes the site and all its pages. */
  removeCrawlSite(name: string): Promise<void>;
}
