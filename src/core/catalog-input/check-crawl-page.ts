import { ValidationError } from '../errors/index.ts';
import type { CrawlPageRecord } from '../ports/crawl-catalog.ts';
import { checkNonEmptyText, checkOptionalText, checkTimeText, checkUrls } from './field-checks.ts';

/**
 * Checks a whole batch given to `putCrawlPages` before the catalog writes anything, so that a refused
 * batch stores nothing; returns copies that later changes to the caller's objects cannot reach.
 */
export function checkCrawlPages(pages: readonly CrawlPageRecord[]): CrawlPageRecord[] {
  if (!Array.isArray(pages)) throw new ValidationError('The crawl pages to store must be an array.');
  return pages.map((page, index) => checkCrawlPage(page, index + 1));
}

/** Checks one page of a batch, `position` counting from 1 so the message points at the page to fix. */
function checkCrawlPage(page: CrawlPageRecord, position: number): CrawlPageRecord {
  if (typeof page !== 'object' || page === null) {
    throw new ValidationError(`Crawl page ${position} of the batch is not an object.`);
  }
  const what = `of crawl page ${position} of the batch`;
  return {
    site: checkNonEmptyText(page.site, `The site ${what}`),
    url: checkNonEmptyText(page.url, `The URL ${what}`),
    etag: checkOptionalText(page.etag, `The ETag ${what}`),
    lastModified: checkOptionalText(page.lastModified, `The Last-Modified text ${what}`),
    contentHash: checkOptionalText(page.contentHash, `The content hash ${what}`),
    title: checkOptionalText(page.title, `The title ${what}`),
    documentPath: checkNonEmptyText(page.documentPath, `The document path ${what}`),
    outLinks: checkUrls(page.outLinks, `The out-links ${what}`),
    fetchedAt: checkTimeText(page.fetchedAt, `The fetch time ${what}`),
  };
}
