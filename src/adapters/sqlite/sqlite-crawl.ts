import type Database from 'better-sqlite3';
import { crawlSiteNotFound } from '../../core/catalog-input/catalog-not-found.ts';
import { checkCrawlPages } from '../../core/catalog-input/check-crawl-page.ts';
import {
  checkCrawlFinish,
  checkCrawlSiteName,
  checkCrawlStart,
} from '../../core/catalog-input/check-crawl-site.ts';
import { checkUrls } from '../../core/catalog-input/field-checks.ts';
import type { CrawlPageRecord, CrawlSiteRecord } from '../../core/ports/catalog.ts';
import {
  type CrawlPageRow,
  crawlPageFromRow,
  crawlPageToRow,
  crawlSiteFromRow,
} from './sqlite-crawl-rows.ts';
import { type CrawlStatements, prepareCrawlStatements } from './sqlite-crawl-statements.ts';

/**
 * The crawler's records in the SQLite catalog: crawled sites and what was learnt of each page. Methods are
 * synchronous and throw raw SQLite errors; the catalog runs them inside its error translation, like its
 * own methods. Statements are prepared once, when the catalog opens, since the crawler reads and writes
 * pages once per fetched URL.
 */
export class SqliteCrawl {
  private readonly database: Database.Database;
  private readonly statements: CrawlStatements;

  constructor(database: Database.Database) {
    this.database = database;
    this.statements = prepareCrawlStatements(database);
  }

  /** See `Catalog.startCrawl`. */
  start(site: { name: string; startUrls: string[] }, startedAt: string): void {
    const checked = checkCrawlStart(site, startedAt);
    this.statements.startSite.run({
      name: checked.name,
      start_urls: JSON.stringify(checked.startUrls),
      started_at: checked.startedAt,
    });
  }

  /** See `Catalog.finishCrawl`. */
  finish(name: string, finishedAt: string, summary: Record<string, unknown>): void {
    const checked = checkCrawlFinish(name, finishedAt, summary);
    const row = { name: checked.name, finished_at: checked.finishedAt, summary: checked.summary };
    if (this.statements.finishSite.run(row).changes === 0) throw crawlSiteNotFound(checked.name);
  }

  /** See `Catalog.listCrawlSites`. */
  listSites(): CrawlSiteRecord[] {
    return this.statements.selectSites.all().map(crawlSiteFromRow);
  }

  /** See `Catalog.getCrawlSite`. */
  getSite(name: string): CrawlSiteRecord | undefined {
    const row = this.statements.selectSite.get(name);
    return row === undefined ? undefined : crawlSiteFromRow(row);
  }

  /** See `Catalog.getCrawlPage`. */
  getPage(site: string, url: string): CrawlPageRecord | undefined {
    const row = this.statements.selectPage.get(site, url);
    return row === undefined ? undefined : crawlPageFromRow(row);
  }

  /** See `Catalog.putCrawlPages`. */
  putPages(pages: readonly CrawlPageRecord[]): void {
    // Everything that can be refused is refused here, before the transaction writes a single row.
    const rows = checkCrawlPages(pages).map(crawlPageToRow);
    if (rows.length === 0) return;
    // Checked here rather than left to the foreign key, which SQLite enforces only on connections that
    // enable it, and whose failure would not say which site is missing.
    const put = this.database.transaction(() => {
      for (const site of new Set(rows.map((row: CrawlPageRow) => row.site))) {
        if (this.statements.siteExists.get(site) === 0) throw crawlSiteNotFound(site);
      }
      for (const row of rows) this.statements.putPage.run(row);
    });
    put.immediate();
  }

  /** See `Catalog.deleteCrawlPages`. */
  deletePages(site: string, urls: readonly string[]): number {
    const name = checkCrawlSiteName(site);
    const checked = checkUrls(urls, `The URLs of crawl site ${name} to forget`);
    const remove = this.database.transaction(() =>
      checked.reduce((removed, url) => removed + this.statements.deletePage.run(name, url).changes, 0),
    );
    return remove.immediate();
  }

  /** See `Catalog.removeCrawlSite`. */
  removeSite(name: string): void {
    // Pages go explicitly, in the same transaction, so they never outlive their site even on a connection
    // that does not enforce the schema's ON DELETE CASCADE.
    const remove = this.database.transaction(() => {
      this.statements.deletePagesOfSite.run(name);
      if (this.statements.deleteSite.run(name).changes === 0) throw crawlSiteNotFound(name);
    });
    remove.immediate();
  }
}
