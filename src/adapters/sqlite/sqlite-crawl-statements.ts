import type Database from 'better-sqlite3';
import type { CrawlPageRow, CrawlSiteRow } from './sqlite-crawl-rows.ts';

/** The prepared statements of the crawl tables (sites, pages) of one catalog connection. */
export type CrawlStatements = ReturnType<typeof prepareCrawlStatements>;

/** The columns of a site row, with its page count counted over the primary key of `crawl_pages`. */
const siteColumns = `name, start_urls, last_started_at, last_finished_at, last_summary,
  (SELECT count(*) FROM crawl_pages WHERE crawl_pages.site = crawl_sites.name) AS page_count`;

/**
 * Compiles every statement the SQLite catalog runs on its crawl tables, once per connection: the crawler
 * reads and writes pages once per fetched URL. Names and URLs compare exactly (binary collation).
 */
export function prepareCrawlStatements(database: Database.Database) {
  return {
    ...prepareSiteStatements(database),
    ...preparePageStatements(database),
  };
}

function prepareSiteStatements(database: Database.Database) {
  return {
    // An upsert, never INSERT OR REPLACE: replacing deletes the row first, which would cascade to its pages.
    startSite: database.prepare<[{ name: string; start_urls: string; started_at: string }]>(
      `INSERT INTO crawl_sites (name, start_urls, last_started_at) VALUES (@name, @start_urls, @started_at)
       ON CONFLICT (name) DO UPDATE SET start_urls = excluded.start_urls,
         last_started_at = excluded.last_started_at`,
    ),
    finishSite: database.prepare<[{ name: string; finished_at: string; summary: string }]>(
      'UPDATE crawl_sites SET last_finished_at = @finished_at, last_summary = @summary WHERE name = @name',
    ),
    selectSite: database.prepare<[string], CrawlSiteRow>(
      `SELECT ${siteColumns} FROM crawl_sites WHERE name = ?`,
    ),
    selectSites: database.prepare<[], CrawlSiteRow>(`SELECT ${siteColumns} FROM crawl_sites ORDER BY name`),
    siteExists: database.prepare<[string], number>('SELECT count(*) FROM crawl_sites WHERE name = ?').pluck(),
    deleteSite: database.prepare<[string]>('DELETE FROM crawl_sites WHERE name = ?'),
  };
}

function preparePageStatements(database: Database.Database) {
  return {
    // Both columns of the primary key, so the lookup is one search of its index.
    selectPage: database.prepare<[string, string], CrawlPageRow>(
      'SELECT * FROM crawl_pages WHERE site = ? AND url = ?',
    ),
    putPage: database.prepare<[CrawlPageRow]>(
      `INSERT INTO crawl_pages (site, url, etag, last_modified, content_hash, title, document_path, out_links,
         fetched_at)
       VALUES (@site, @url, @etag, @last_modified, @content_hash, @title, @document_path, @out_links,
         @fetched_at)
       ON CONFLICT (site, url) DO UPDATE SET etag = excluded.etag, last_modified = excluded.last_modified,
         content_hash = excluded.content_hash, title = excluded.title, document_path = excluded.document_path,
         out_links = excluded.out_links, fetched_at = excluded.fetched_at`,
    ),
    deletePage: database.prepare<[string, string]>('DELETE FROM crawl_pages WHERE site = ? AND url = ?'),
    deletePagesOfSite: database.prepare<[string]>('DELETE FROM crawl_pages WHERE site = ?'),
  };
}
