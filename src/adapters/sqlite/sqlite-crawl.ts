import type Database from 'better-sqlite3';
import { NotFoundError, ValidationError } from '../../core/errors/index.ts';
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
    if (typeof site !== 'object' || site === null)
      throw new ValidationError('A crawl site must be an object.');
    const name = checkName(site.name, 'The name of a crawl site');
    this.statements.startSite.run({
      name,
      start_urls: JSON.stringify(checkUrls(site.startUrls, `The start URLs of crawl site ${name}`)),
      started_at: checkTime(startedAt, `The start time of the crawl of ${name}`),
    });
  }

  /** See `Catalog.finishCrawl`. */
  finish(name: string, finishedAt: string, summary: Record<string, unknown>): void {
    const checked = checkName(name, 'The name of a crawl site');
    const row = {
      name: checked,
      finished_at: checkTime(finishedAt, `The end time of the crawl of ${checked}`),
      summary: serialiseSummary(summary, checked),
    };
    if (this.statements.finishSite.run(row).changes === 0) throw siteNotFound(checked);
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
    if (!Array.isArray(pages)) throw new ValidationError('The crawl pages to store must be an array.');
    // Everything that can be refused is refused here, before the transaction writes a single row.
    const rows = pages.map((page, index) => crawlPageToRow(checkPage(page, index + 1)));
    if (rows.length === 0) return;
    // Checked here rather than left to the foreign key, which SQLite enforces only on connections that
    // enable it, and whose failure would not say which site is missing.
    const put = this.database.transaction(() => {
      for (const site of new Set(rows.map((row: CrawlPageRow) => row.site))) {
        if (this.statements.siteExists.get(site) === 0) throw siteNotFound(site);
      }
      for (const row of rows) this.statements.putPage.run(row);
    });
    put.immediate();
  }

  /** See `Catalog.deleteCrawlPages`. */
  deletePages(site: string, urls: readonly string[]): number {
    const name = checkName(site, 'The name of a crawl site');
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
      if (this.statements.deleteSite.run(name).changes === 0) throw siteNotFound(name);
    });
    remove.immediate();
  }
}

function checkPage(page: CrawlPageRecord, position: number): CrawlPageRecord {
  if (typeof page !== 'object' || page === null) {
    throw new ValidationError(`Crawl page ${position} of the batch is not an object.`);
  }
  const what = `of crawl page ${position} of the batch`;
  return {
    site: checkName(page.site, `The site ${what}`),
    url: checkName(page.url, `The URL ${what}`),
    etag: checkOptionalText(page.etag, `The ETag ${what}`),
    lastModified: checkOptionalText(page.lastModified, `The Last-Modified text ${what}`),
    contentHash: checkOptionalText(page.contentHash, `The content hash ${what}`),
    title: checkOptionalText(page.title, `The title ${what}`),
    documentPath: checkName(page.documentPath, `The document path ${what}`),
    outLinks: checkUrls(page.outLinks, `The out-links ${what}`),
    fetchedAt: checkTime(page.fetchedAt, `The fetch time ${what}`),
  };
}

/** Returns `value` when it is a non-empty string; throws `ValidationError` saying `what` it is otherwise. */
function checkName(value: unknown, what: string): string {
  if (typeof value === 'string' && value !== '') return value;
  throw new ValidationError(`${what} must be a non-empty string.`);
}

function checkOptionalText(value: unknown, what: string): string | null {
  if (value === null || typeof value === 'string') return value;
  throw new ValidationError(`${what} must be a string or null.`);
}

function checkTime(value: unknown, what: string): string {
  if (typeof value === 'string' && value !== '') return value;
  throw new ValidationError(`${what} must be an ISO 8601 string.`);
}

/** Returns a copy of `value` when it is an array of non-empty strings, so later changes cannot reach it. */
function checkUrls(value: unknown, what: string): string[] {
  if (Array.isArray(value) && value.every((url) => typeof url === 'string' && url !== '')) {
    return [...(value as string[])];
  }
  throw new ValidationError(`${what} must be an array of non-empty strings.`);
}

function serialiseSummary(summary: unknown, site: string): string {
  const refusal = `The summary of the crawl of ${site} must be a plain object that JSON can store.`;
  const hint = 'Keep the summary to objects, arrays, strings, numbers, booleans and null, with no cycles.';
  let text: string | undefined;
  try {
    text = JSON.stringify(summary);
  } catch (error) {
    // Cycles and BigInt values land here.
    throw new ValidationError(refusal, { cause: error, hint });
  }
  // A toJSON method may turn an object into something else, so the JSON text decides, not the value.
  if (text === undefined || !text.startsWith('{')) throw new ValidationError(refusal, { hint });
  return text;
}

function siteNotFound(name: string): NotFoundError {
  return new NotFoundError(`Crawl site ${name} does not exist.`, {
    hint: 'List the crawled sites to check the name, or start a crawl of it first.',
  });
}
