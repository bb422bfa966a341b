import type { Catalog, CrawlPageRecord } from '../core/ports/catalog.ts';

/** Page records written to the catalog in one transaction. */
const batchSize = 100;

/**
 * The crawl's view of what the catalog remembers about pages: reads go straight to the catalog (one
 * keyed lookup per page), writes are gathered and stored in batches so that a large crawl does not pay
 * one commit per page. Pending writes are visible to reads.
 */
export class PageRecords {
  readonly #pending = new Map<string, CrawlPageRecord>();

  constructor(
    private readonly catalog: Catalog,
    private readonly site: string,
  ) {}

  /** The record of `url`, including one not yet written. */
  async get(url: string): Promise<CrawlPageRecord | undefined> {
    return this.#pending.get(url) ?? (await this.catalog.getCrawlPage(this.site, url));
  }

  /** Stores a record (written with the next batch). */
  async put(record: CrawlPageRecord): Promise<void> {
    this.#pending.set(record.url, record);
    if (this.#pending.size >= batchSize) await this.flush();
  }

  /** Forgets a page (its document was removed). */
  async delete(url: string): Promise<void> {
    this.#pending.delete(url);
    await this.catalog.deleteCrawlPages(this.site, [url]);
  }

  /** Writes the pending records. */
  async flush(): Promise<void> {
    if (this.#pending.size === 0) return;
    const records = [...this.#pending.values()];
    this.#pending.clear();
    await this.catalog.putCrawlPages(records);
  }
}
