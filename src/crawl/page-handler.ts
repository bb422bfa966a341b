import { createHash } from 'node:crypto';
import type { CrawlPageRecord } from '../core/ports/catalog.ts';
import type { PageWriter } from '../knowledge/page-writer.ts';
import type { CrawlFrontier, QueuedPage } from './crawl-frontier.ts';
import type { CrawlTally } from './crawl-tally.ts';
import { normalizeUrl, resolveCanonical } from './normalize-url.ts';
import { PageSkipped } from './page-errors.ts';
import type { PageRecords } from './page-records.ts';
import type { UrlPolicy } from './url-policy.ts';

/** Links kept per page record: enough to keep crawling through unchanged pages. */
const maxStoredLinks = 1_000;

/** A page that was downloaded in full. */
export interface DownloadedPage {
  /** The URL that was requested (normalised). */
  requestUrl: string;
  /** The URL that answered, after redirects. */
  finalUrl: string;
  depth: number;
  html: string;
  /** Every `<a href>` of the page, as written (resolved against `finalUrl` here). */
  links: string[];
  canonicalHref?: string;
  etag?: string;
  lastModified?: string;
}

/** What the handler writes to and reads from. */
export interface PageHandlerOptions {
  source: string;
  writer: PageWriter;
  records: PageRecords;
  frontier: CrawlFrontier;
  policy: UrlPolicy;
  tally: CrawlTally;
  clock: () => Date;
  /** Adds admitted pages to the crawler's queue. */
  enqueue: (pages: QueuedPage[]) => Promise<void>;
}

/** The knowledge-base path of a page: its URL without the scheme (`docs.example.com/guide/intro`). */
export function documentPathOf(url: string): string {
  return url.replace(/^https?:\/\//, '');
}

/**
 * Turns what the crawler got for a page into knowledge-base documents and catalog records: new and
 * changed pages are written, unchanged ones are only re-dated (their stored links are still followed),
 * and pages that are gone (404/410) are removed.
 */
export class PageHandler {
  constructor(private readonly options: PageHandlerOptions) {}

  /** Conditional-GET headers for `url` when the index still holds what the catalog remembers. */
  async conditionalHeaders(url: string): Promise<Record<string, string>> {
    const record = await this.options.records.get(url);
    if (!record || !this.options.writer.holds(record.documentPath, record.contentHash)) return {};
    return {
      ...(record.etag ? { 'if-none-match': record.etag } : {}),
      ...(record.lastModified ? { 'if-modified-since': record.lastModified } : {}),
    };
  }

  /** Handles a page downloaded in full. */
  async downloaded(page: DownloadedPage): Promise<void> {
    const { frontier, tally, policy } = this.options;
    const finalUrl = normalizeUrl(page.finalUrl) ?? page.requestUrl;
    if (finalUrl !== page.requestUrl) {
      const verdict = policy.check(finalUrl);
      if (!verdict.allowed) throw new PageSkipped(verdict.reason, `redirects to ${finalUrl}`);
      if (frontier.has(finalUrl))
        throw new PageSkipped('duplicate', `redirects to ${finalUrl}, crawled on its own`);
      frontier.markSeen(finalUrl);
    }
    const url = resolveCanonical(page.canonicalHref, finalUrl);
    if (url !== finalUrl) {
      if (frontier.has(url)) throw new PageSkipped('duplicate', `the same page as its canonical URL ${url}`);
      frontier.markSeen(url);
    }
    const links = this.#followLinks(page.links, finalUrl, page.depth);
    tally.fetched += 1;
    const contentHash = createHash('sha256').update(page.html).digest('hex');
    const documentPath = documentPathOf(url);
    const result = await this.options.writer.write({
      path: documentPath,
      url,
      html: page.html,
      contentHash,
      byteSize: Buffer.byteLength(page.html),
    });
    if (result.embeddingWarning) tally.warnOnce(`embedding: ${result.embeddingWarning}`);
    if (result.outcome === 'unchanged') tally.unchanged += 1;
    else tally[result.outcome] += 1;
    tally.chunks += result.chunks;
    const previous = result.outcome === 'unchanged' ? await this.options.records.get(url) : undefined;
    const record: CrawlPageRecord = {
      site: this.options.source,
      url,
      etag: page.etag ?? null,
      lastModified: page.lastModified ?? null,
      contentHash,
      title: result.title ?? previous?.title ?? null,
      documentPath,
      outLinks: (await links).slice(0, maxStoredLinks),
      fetchedAt: this.options.clock().toISOString(),
    };
    await this.options.records.put(record);
    // The address that was asked for (a redirect, or a variant of a canonical URL) gets a record too,
    // pointing at the same document: next time it is asked conditionally, and a 404 there is known.
    if (page.requestUrl !== url) await this.options.records.put({ ...record, url: page.requestUrl });
  }

  /** Handles a 304 Not Modified: the stored links are followed, the record re-dated. */
  async notModified(url: string, depth: number, etag?: string): Promise<void> {
    const record = await this.options.records.get(url);
    this.options.tally.fetched += 1;
    this.options.tally.unchanged += 1;
    if (!record) return;
    await this.#followStored(record, depth);
    await this.options.records.put({
      ...record,
      etag: etag ?? record.etag,
      fetchedAt: this.options.clock().toISOString(),
    });
  }

  /**
   * A page the sitemap says has not changed since it was fetched (its `lastmod` is no later than the
   * page's Last-Modified when we fetched it): not requested at all. Returns `false` when it may have
   * changed, or the index no longer holds it (then it must be fetched).
   */
  async unchangedSince(url: string, depth: number, lastModified: Date): Promise<boolean> {
    const record = await this.options.records.get(url);
    if (!record || !this.options.writer.holds(record.documentPath, record.contentHash)) return false;
    // The site's own Last-Modified is on the same clock as its sitemap; our fetch time may not be.
    const known = Date.parse(record.lastModified ?? record.fetchedAt);
    if (!(known >= lastModified.getTime())) return false;
    this.options.tally.unchanged += 1;
    await this.#followStored(record, depth);
    return true;
  }

  /** Handles a 404 or 410: the page's document and record are removed. */
  async gone(url: string, status: number): Promise<void> {
    const record = await this.options.records.get(url);
    if (record && record.documentPath !== documentPathOf(url)) {
      // Only another address of a page that lives on under its own URL: forget the address.
      await this.options.records.delete(url);
      return;
    }
    const removed = await this.options.writer.remove([record?.documentPath ?? documentPathOf(url)]);
    if (record) await this.options.records.delete(url);
    if (removed > 0) this.options.tally.removed += removed;
    else this.options.tally.skip(url, 'broken-link', `HTTP ${status}: a link to a page that does not exist`);
  }

  async #followLinks(hrefs: string[], base: string, depth: number): Promise<string[]> {
    const normalised: string[] = [];
    for (const href of hrefs) {
      const url = normalizeUrl(href, base);
      if (url !== undefined) normalised.push(url);
    }
    const unique = [...new Set(normalised)];
    await this.#enqueue(unique, depth + 1);
    return unique;
  }

  async #followStored(record: CrawlPageRecord, depth: number): Promise<void> {
    await this.#enqueue(record.outLinks, depth + 1);
  }

  async #enqueue(urls: string[], depth: number): Promise<void> {
    const admitted: QueuedPage[] = [];
    for (const url of urls) {
      const page = this.options.frontier.admit(url, depth);
      if (page) admitted.push(page);
    }
    if (admitted.length > 0) await this.options.enqueue(admitted);
  }
}
