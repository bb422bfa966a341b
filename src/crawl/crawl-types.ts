/** Why a URL was found but not fetched, or fetched but not indexed. */
export type CrawlSkipReason =
  | 'robots'
  | 'other-host'
  | 'excluded'
  | 'not-included'
  | 'file-type'
  | 'not-html'
  | 'too-large'
  | 'depth'
  | 'max-pages'
  | 'url-trap'
  | 'duplicate'
  /** A link answered 404 or 410 and the index held nothing there: the site's broken link, not a failure. */
  | 'broken-link'
  | 'private-network';

/** Why a page could not be crawled even after retries. */
export type CrawlFailureReason =
  | 'http-error'
  | 'rate-limited'
  | 'redirect-loop'
  | 'timeout'
  | 'network'
  | 'private-network'
  | 'unreadable';

/** The options of one crawl: `quarry crawl` flags or one entry of `crawl.sites`. */
export interface CrawlSiteSettings {
  /** Start URLs (http or https). */
  urls: string[];
  /** Link hops followed from a start URL (0: the start pages only). */
  depth: number;
  maxPages: number;
  /** Globs over the URL path (`/docs/**`); when given, only matching pages are crawled. */
  include: string[];
  exclude: string[];
  /** Render pages in Chromium (for sites built by JavaScript). */
  render: boolean;
  /** The knowledge-base source name; the first start URL's host when absent. */
  source?: string | undefined;
  /** Pages fetched at once (per host; a crawl covers one host by default). */
  concurrency: number;
  /** Overrides `crawl.allowPrivateNetworks` for this site. */
  allowPrivateNetworks?: boolean | undefined;
}

/** What one crawl did, as printed by `quarry crawl --json`. */
export interface CrawlSummary {
  source: string;
  startUrls: string[];
  /** Pages requested and answered with 200 or 304 Not Modified. */
  fetched: number;
  /**
   * Pages that had not changed: 304 Not Modified, the same content hash, or a sitemap `lastmod` no newer
   * than the last fetch (those are not requested at all).
   */
  unchanged: number;
  new: number;
  updated: number;
  /** Pages removed from the knowledge base because they now answer 404 or 410. */
  removed: number;
  skipped: { total: number; reasons: Partial<Record<CrawlSkipReason, number>>; examples: CrawlIssue[] };
  failed: { total: number; reasons: Partial<Record<CrawlFailureReason, number>>; examples: CrawlIssue[] };
  /** Sections (chunks) written for new and updated pages. */
  chunks: number;
  /** Problems worth telling that are not about one page (e.g. the embedding model failed). */
  warnings: string[];
  durationMs: number;
  /** `true` when the crawl was stopped before its queue was empty. */
  interrupted: boolean;
}

/** One skipped or failed URL with the reason in words (a few are kept per summary as examples). */
export interface CrawlIssue {
  url: string;
  reason: string;
  detail: string;
}
