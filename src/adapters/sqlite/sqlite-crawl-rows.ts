import type { CrawlPageRecord, CrawlSiteRecord } from '../../core/ports/catalog.ts';

// The JSON.parse calls below cannot fail nor yield another shape: the schema's CHECK constraints only let
// JSON arrays (URL lists) and objects (summaries) in (see sqlite-catalog-migrations.ts), and the catalog
// writes only arrays of strings.

/** A `crawl_sites` row as SQLite stores it, with the page count the queries add: URL lists as JSON text. */
export interface CrawlSiteRow {
  name: string;
  start_urls: string;
  last_started_at: string | null;
  last_finished_at: string | null;
  last_summary: string | null;
  page_count: number;
}

/** Turns a `crawl_sites` row into the record the port speaks. */
export function crawlSiteFromRow(row: CrawlSiteRow): CrawlSiteRecord {
  return {
    name: row.name,
    startUrls: JSON.parse(row.start_urls) as string[],
    lastStartedAt: row.last_started_at,
    lastFinishedAt: row.last_finished_at,
    lastSummary: row.last_summary === null ? null : (JSON.parse(row.last_summary) as Record<string, unknown>),
    pageCount: row.page_count,
  };
}

/** A `crawl_pages` row as SQLite stores it: the out-links as a JSON array. */
export interface CrawlPageRow {
  site: string;
  url: string;
  etag: string | null;
  last_modified: string | null;
  content_hash: string | null;
  title: string | null;
  document_path: string;
  out_links: string;
  fetched_at: string;
}

/** Turns a `crawl_pages` row into the record the port speaks. */
export function crawlPageFromRow(row: CrawlPageRow): CrawlPageRecord {
  return {
    site: row.site,
    url: row.url,
    etag: row.etag,
    lastModified: row.last_modified,
    contentHash: row.content_hash,
    title: row.title,
    documentPath: row.document_path,
    outLinks: JSON.parse(row.out_links) as string[],
    fetchedAt: row.fetched_at,
  };
}

/** Turns a page record into the `crawl_pages` row that stores it. */
export function crawlPageToRow(record: CrawlPageRecord): CrawlPageRow {
  return {
    site: record.site,
    url: record.url,
    etag: record.etag,
    last_modified: record.lastModified,
    content_hash: record.contentHash,
    title: record.title,
    document_path: record.documentPath,
    out_links: JSON.stringify(record.outLinks),
    fetched_at: record.fetchedAt,
  };
}
