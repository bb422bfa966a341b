import { createHash } from 'node:crypto';
import { NotFoundError, ValidationError } from '../../core/errors/index.ts';
import type { CrawlPageRecord } from '../../core/ports/catalog.ts';
import { checkKeyText, keyLimits } from './dynamodb-items.ts';
import { serialiseJsonObject } from './json-object.ts';

// The same rules, messages and hints as the SQLite catalog's (`sqlite-crawl.ts`): both adapters run one
// contract suite, and a user should read the same refusal whichever catalog is configured.

/** Checks one page of a batch, `position` counting from 1; returns a copy safe from later changes. */
export function checkPage(page: CrawlPageRecord, position: number): CrawlPageRecord {
  if (typeof page !== 'object' || page === null) {
    throw new ValidationError(`Crawl page ${position} of the batch is not an object.`);
  }
  const what = `of crawl page ${position} of the batch`;
  return {
    site: checkSiteName(page.site, `The site ${what}`),
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

/** Returns `value` when it can name a site: a non-empty string short enough for a key. */
export function checkSiteName(value: unknown, what: string): string {
  return checkKeyText(checkName(value, what), what);
}

/** Returns `value` when it is a non-empty string; throws `ValidationError` saying `what` it is otherwise. */
export function checkName(value: unknown, what: string): string {
  if (typeof value === 'string' && value !== '') return value;
  throw new ValidationError(`${what} must be a non-empty string.`);
}

function checkOptionalText(value: unknown, what: string): string | null {
  if (value === null || typeof value === 'string') return value;
  throw new ValidationError(`${what} must be a string or null.`);
}

/** Returns `value` when it is a non-empty string; crawl times are stored as given. */
export function checkTime(value: unknown, what: string): string {
  if (typeof value === 'string' && value !== '') return value;
  throw new ValidationError(`${what} must be an ISO 8601 string.`);
}

/** Returns a copy of `value` when it is an array of non-empty strings, so later changes cannot reach it. */
export function checkUrls(value: unknown, what: string): string[] {
  if (Array.isArray(value) && value.every((url) => typeof url === 'string' && url !== '')) {
    return [...(value as string[])];
  }
  throw new ValidationError(`${what} must be an array of non-empty strings.`);
}

/** The JSON text of a crawl summary, refused unless it is a plain object JSON can store. */
export function serialiseSummary(summary: unknown, site: string): string {
  return serialiseJsonObject(summary, {
    refusal: `The summary of the crawl of ${site} must be a plain object that JSON can store.`,
    hint: 'Keep the summary to objects, arrays, strings, numbers, booleans and null, with no cycles.',
  });
}

/** Marks a sort key made from a hash: no URL used as its own key contains it. */
const hashedMarker = '#sha256:';

/**
 * The sort key of a page: its URL, or, for a URL longer than DynamoDB's 1024 bytes of sort key (or one
 * holding the marker), the start of the URL and its SHA-256. The item keeps the full `url` either way.
 */
export function urlKeyOf(url: string): string {
  if (Buffer.byteLength(url, 'utf8') <= keyLimits.sort && !url.includes(hashedMarker)) return url;
  const digest = createHash('sha256').update(url, 'utf8').digest('hex');
  const start = Buffer.from(url, 'utf8')
    .subarray(0, 800)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  return `${start}${hashedMarker}${digest}`;
}

/** The error for a site that does not exist. */
export function siteNotFound(name: string): NotFoundError {
  return new NotFoundError(`Crawl site ${name} does not exist.`, {
    hint: 'List the crawled sites to check the name, or start a crawl of it first.',
  });
}
