import { crawlSiteNotFound } from '../../core/catalog-input/catalog-not-found.ts';
import { checkCrawlPages } from '../../core/catalog-input/check-crawl-page.ts';
import {
  checkCrawlFinish,
  checkCrawlSiteName,
  checkCrawlStart,
} from '../../core/catalog-input/check-crawl-site.ts';
import { checkUrls } from '../../core/catalog-input/field-checks.ts';
import type { CrawlPageRecord, CrawlSiteRecord } from '../../core/ports/catalog.ts';
import { type CatalogContext, tableOf } from './catalog-context.ts';
import { urlKeyOf } from './crawl-keys.ts';
import { existsInKnownLayout, expression } from './dynamodb-expressions.ts';
import {
  checkItemFits,
  checkKeyText,
  checkSchemaVersion,
  type Item,
  ItemReader,
  isPossibleKeyText,
  itemSchemaVersion,
} from './dynamodb-items.ts';
import {
  type BatchRequest,
  collect,
  countItems,
  deleteItem,
  explainRefusedWrite,
  getItem,
  queryItems,
  scanItems,
  type TableHandle,
  updateItem,
  writeBatch,
} from './dynamodb-requests.ts';
import { compareText } from './text-order.ts';

/** Page deletions sent at once by {@link DynamoDbCrawl.deletePages}. */
const deletionsInFlight = 16;

/**
 * What the crawler remembers: one item per site (keyed by `name`) and one per page (partition `site`,
 * sort key `urlKey`, the URL itself unless too long for a key). Each site item carries an `incarnation`
 * and each page the `siteIncarnation` it was stored under; pages of another incarnation (left by a removed
 * site of the same name) are never returned or counted. `pageCount` is counted from the pages when read,
 * so no counter can drift from them.
 */
export class DynamoDbCrawl {
  private readonly sites: TableHandle;
  private readonly pages: TableHandle;
  private readonly context: CatalogContext;

  constructor(context: CatalogContext) {
    this.context = context;
    this.sites = tableOf(context, 'crawlSites');
    this.pages = tableOf(context, 'crawlPages');
  }

  /** See `CrawlCatalog.startCrawl`: one update that creates the site or keeps its pages and last crawl. */
  async start(site: { name: string; startUrls: string[] }, startedAt: string): Promise<void> {
    const { name, startUrls, startedAt: started } = checkCrawlStart(site, startedAt);
    checkSiteKey(name);
    checkItemFits(
      { name, startUrls },
      `The start URLs of crawl site ${name}`,
      'Start the crawl from fewer URLs.',
    );
    const update = expression(
      'SET #startUrls = :startUrls, #lastStartedAt = :startedAt, ' +
        '#incarnation = if_not_exists(#incarnation, :incarnation), ' +
        '#lastFinishedAt = if_not_exists(#lastFinishedAt, :null), #lastSummary = if_not_exists(#lastSummary, :null), ' +
        '#schemaVersion = if_not_exists(#schemaVersion, :knownSchemaVersion)',
      { ':startUrls': startUrls, ':startedAt': started, ':incarnation': this.context.newId(), ':null': null },
    );
    const condition = expression('attribute_not_exists(#name) OR #schemaVersion <= :knownSchemaVersion', {
      ':knownSchemaVersion': itemSchemaVersion,
    });
    if ((await updateItem(this.sites, { name }, update, condition)) === undefined) {
      const current = await getItem(this.sites, { name });
      if (current !== undefined) checkSchemaVersion(current, this.sites.table);
    }
  }

  /** See `CrawlCatalog.finishCrawl`. */
  async finish(name: string, finishedAt: string, summary: Record<string, unknown>): Promise<void> {
    const finish = checkCrawlFinish(name, finishedAt, summary);
    const checked = checkSiteKey(finish.name);
    const fields = { ':finishedAt': finish.finishedAt, ':summary': finish.summary };
    checkItemFits(
      { lastSummary: fields[':summary'] },
      `The summary of the crawl of ${checked}`,
      'Keep the summary short.',
    );
    const update = expression('SET #lastFinishedAt = :finishedAt, #lastSummary = :summary', fields);
    const condition = existsInKnownLayout('name', itemSchemaVersion);
    if ((await updateItem(this.sites, { name: checked }, update, condition)) === undefined) {
      await explainRefusedWrite(this.sites, { name: checked }, () => crawlSiteNotFound(checked));
    }
  }

  /** See `CrawlCatalog.listCrawlSites`: a scan, sorted by name, each site's pages counted at once. */
  async listSites(): Promise<CrawlSiteRecord[]> {
    const items = await collect(scanItems(this.sites));
    const sites = await Promise.all(items.map((item) => this.siteOf(item)));
    return sites.sort((left, right) => compareText(left.name, right.name));
  }

  /** See `CrawlCatalog.getCrawlSite`. */
  async getSite(name: string): Promise<CrawlSiteRecord | undefined> {
    if (!isPossibleKeyText(name)) return undefined;
    const item = await getItem(this.sites, { name });
    return item === undefined ? undefined : this.siteOf(item);
  }

  /** See `CrawlCatalog.getCrawlPage`: the page and its site read at once, their incarnations compared. */
  async getPage(site: string, url: string): Promise<CrawlPageRecord | undefined> {
    if (!isPossibleKeyText(site) || typeof url !== 'string' || url === '') return undefined;
    const [siteItem, pageItem] = await Promise.all([
      getItem(this.sites, { name: site }),
      getItem(this.pages, { site, urlKey: urlKeyOf(url) }),
    ]);
    if (siteItem === undefined || pageItem === undefined) return undefined;
    const incarnation = new ItemReader(siteItem, this.sites.table).text('incarnation');
    const page = new ItemReader(pageItem, this.pages.table);
    if (page.text('siteIncarnation') !== incarnation || page.text('url') !== url) return undefined;
    return this.pageOf(pageItem);
  }

  /**
   * See `CrawlCatalog.putCrawlPages`. Every page is checked, and every site read, before the first write,
   * so a refused batch stores nothing; then BatchWriteItem stores the pages 25 at a time.
   */
  async putPages(pages: readonly CrawlPageRecord[]): Promise<void> {
    const checked = checkCrawlPages(pages);
    // The site is the pages' partition key, so beyond the contract's checks it must fit DynamoDB's key size.
    for (const [index, page] of checked.entries()) {
      checkKeyText(page.site, `The site of crawl page ${index + 1} of the batch`);
    }
    if (checked.length === 0) return;
    const incarnations = await this.incarnationsOf(checked.map((page) => page.site));
    // Later pages replace earlier ones of the same URL, as when stored one after the other; a batch
    // request may not name one key twice.
    const byKey = new Map<string, Item>();
    for (const page of checked) {
      const item = pageItem(page, incarnations.get(page.site) ?? '');
      checkItemFits(item, `The crawl page ${page.url}`, 'Keep fewer out-links for the page.');
      byKey.set(JSON.stringify([page.site, item.urlKey]), item);
    }
    await writeBatch(
      this.pages,
      [...byKey.values()].map((item): BatchRequest => ({ PutRequest: { Item: item } })),
    );
  }

  /** See `CrawlCatalog.deleteCrawlPages`: only pages of the site's current incarnation count. */
  async deletePages(site: string, urls: readonly string[]): Promise<number> {
    const name = checkCrawlSiteName(site);
    const checked = [...new Set(checkUrls(urls, `The URLs of crawl site ${name} to forget`))];
    if (checked.length === 0 || !isPossibleKeyText(name)) return 0;
    const siteItem = await getItem(this.sites, { name });
    if (siteItem === undefined) return 0;
    const incarnation = new ItemReader(siteItem, this.sites.table).text('incarnation');
    let removed = 0;
    for (let start = 0; start < checked.length; start += deletionsInFlight) {
      const outcomes = await Promise.all(
        checked
          .slice(start, start + deletionsInFlight)
          .map((url) => deleteItem(this.pages, { site: name, urlKey: urlKeyOf(url) })),
      );
      removed += outcomes.filter(
        (outcome) => outcome.deleted && outcome.old?.siteIncarnation === incarnation,
      ).length;
    }
    return removed;
  }

  /** See `CrawlCatalog.removeCrawlSite`: the site item goes first, then the pages of its incarnation. */
  async removeSite(name: string): Promise<void> {
    const checked = checkCrawlSiteName(name);
    if (!isPossibleKeyText(checked)) throw crawlSiteNotFound(checked);
    const outcome = await deleteItem(this.sites, { name: checked }, expression('attribute_exists(#name)'));
    if (!outcome.deleted || outcome.old === undefined) throw crawlSiteNotFound(checked);
    const incarnation = outcome.old.incarnation;
    const stale: BatchRequest[] = [];
    for await (const page of this.pageKeysOf(checked)) {
      if (page.siteIncarnation === incarnation)
        stale.push({ DeleteRequest: { Key: { site: page.site, urlKey: page.urlKey } } });
    }
    await writeBatch(this.pages, stale);
  }

  /** The incarnation of each site named, refusing the batch when one does not exist. */
  private async incarnationsOf(names: readonly string[]): Promise<Map<string, string>> {
    const unique = [...new Set(names)];
    const items = await Promise.all(unique.map((name) => getItem(this.sites, { name })));
    const incarnations = new Map<string, string>();
    unique.forEach((name, index) => {
      const item = items[index];
      if (item === undefined) throw crawlSiteNotFound(name);
      incarnations.set(name, new ItemReader(item, this.sites.table).text('incarnation'));
    });
    return incarnations;
  }

  private pageKeysOf(site: string): AsyncGenerator<Item> {
    const partition = expression('#site = :site', { ':site': site });
    return queryItems(this.pages, {
      KeyConditionExpression: partition.text,
      ProjectionExpression: '#site, #urlKey, #siteIncarnation',
      ExpressionAttributeNames: {
        ...partition.names,
        '#urlKey': 'urlKey',
        '#siteIncarnation': 'siteIncarnation',
      },
      ExpressionAttributeValues: partition.values,
    });
  }

  private async siteOf(item: Item): Promise<CrawlSiteRecord> {
    const reader = new ItemReader(item, this.sites.table);
    const name = reader.text('name');
    const condition = expression('#site = :site', { ':site': name });
    const filter = expression('#siteIncarnation = :incarnation', {
      ':incarnation': reader.text('incarnation'),
    });
    const pageCount = await countItems(this.pages, {
      KeyConditionExpression: condition.text,
      FilterExpression: filter.text,
      ExpressionAttributeNames: { ...condition.names, ...filter.names },
      ExpressionAttributeValues: { ...condition.values, ...filter.values },
      ConsistentRead: true,
    });
    return {
      name,
      startUrls: reader.textList('startUrls'),
      lastStartedAt: reader.optionalText('lastStartedAt'),
      lastFinishedAt: reader.optionalText('lastFinishedAt'),
      lastSummary:
        item.lastSummary === null || item.lastSummary === undefined ? null : reader.jsonObject('lastSummary'),
      pageCount,
    };
  }

  private pageOf(item: Item): CrawlPageRecord {
    const reader = new ItemReader(item, this.pages.table);
    return {
      site: reader.text('site'),
      url: reader.text('url'),
      etag: reader.optionalText('etag'),
      lastModified: reader.optionalText('lastModified'),
      contentHash: reader.optionalText('contentHash'),
      title: reader.optionalText('title'),
      documentPath: reader.text('documentPath'),
      outLinks: reader.textList('outLinks'),
      fetchedAt: reader.text('fetchedAt'),
    };
  }
}

function pageItem(page: CrawlPageRecord, siteIncarnation: string): Item {
  return { ...page, urlKey: urlKeyOf(page.url), siteIncarnation, schemaVersion: itemSchemaVersion };
}

/** Returns `name` when it is short enough to key a site item (and its pages' partition). */
function checkSiteKey(name: string): string {
  return checkKeyText(name, 'The name of a crawl site');
}
