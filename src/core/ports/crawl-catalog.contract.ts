import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../errors/index.ts';
import type { CatalogUnderTest } from './catalog-suite.contract.ts';
import type { CrawlCatalog, CrawlPageRecord, CrawlSiteRecord } from './crawl-catalog.ts';

/** What a crawl contract run needs from an adapter: a fresh catalog, and a way to open its store again. */
export interface CrawlCatalogUnderTest extends CatalogUnderTest<CrawlCatalog> {
  /**
   * Closes `catalog` and opens a new catalog over the same store, which it returns; `cleanup` must then
   * dispose of that one too. It is how the suite checks that crawl state outlives a process.
   */
  reopen: () => Promise<CrawlCatalog>;
}

/**
 * Registers the Vitest suite that checks the rules of the `CrawlCatalog` port's contract (see its doc
 * comment). Each adapter's test file calls it once, next to `describeCatalogContract`;
 * `createCatalog` is called before every test and must return an empty catalog.
 */
export function describeCrawlCatalogContract(
  name: string,
  createCatalog: () => Promise<CrawlCatalogUnderTest>,
): void {
  describe(`CrawlCatalog contract: ${name}`, () => {
    const context: { current?: CrawlCatalogUnderTest } = {};
    const underTest = (): CrawlCatalogUnderTest => {
      if (context.current === undefined) throw new Error('The catalog under test was not created.');
      return context.current;
    };
    const catalog = (): CrawlCatalog => underTest().catalog;

    beforeEach(async () => {
      context.current = await createCatalog();
    });
    afterEach(async () => {
      await context.current?.cleanup();
      delete context.current;
    });

    describeCrawlSiteRules(catalog);
    describeCrawlPageRules(catalog);
    describeAtomicPutRules(catalog);
    describe('durability', () => {
      it('keeps sites, summaries and pages when the store is opened again', async () => {
        await catalog().startCrawl({ name: 'docs', startUrls: [docs('/')] }, at(0));
        await catalog().finishCrawl('docs', at(5), summary);
        await catalog().putCrawlPages([pageOf('docs', docs('/b')), pageOf('docs', docs('/a'), unread)]);

        const reopened = await underTest().reopen();
        expect(await reopened.listCrawlSites()).toEqual([finishedSite('docs', 2)]);
        expect(await reopened.getCrawlPage('docs', docs('/a'))).toEqual(pageOf('docs', docs('/a'), unread));
        expect(await reopened.getCrawlPage('docs', docs('/b'))).toEqual(pageOf('docs', docs('/b')));
      });
    });
  });
}

function at(minute: number): string {
  return new Date(Date.UTC(2025, 5, 1, 12, minute)).toISOString();
}

function docs(pathname: string): string {
  return `https://docs.example.com${pathname}`;
}

/** A summary with nesting, so a round trip shows it comes back whole. */
const summary = {
  source: 'docs',
  fetched: 12,
  unchanged: 3,
  failed: [{ url: docs('/x'), reason: 'timeout' }],
};

/** The fields a page that was never read (a 304 on the first visit, say) leaves empty. */
const unread: Partial<CrawlPageRecord> = { etag: null, lastModified: null, contentHash: null, title: null };

function pageOf(site: string, url: string, overrides: Partial<CrawlPageRecord> = {}): CrawlPageRecord {
  return {
    site,
    url,
    etag: `"etag-of-${url}"`,
    lastModified: 'Wed, 21 Oct 2025 07:28:00 GMT',
    contentHash: 'a'.repeat(64),
    title: `Title of ${url}`,
    documentPath: `sites/${site}/${encodeURIComponent(url)}.md`,
    // Deliberately not sorted: the order of the links on the page must survive.
    outLinks: [docs('/zeta'), docs('/alpha'), docs('/mu')],
    fetchedAt: at(1),
    ...overrides,
  };
}

function finishedSite(name: string, pageCount: number): CrawlSiteRecord {
  return {
    name,
    startUrls: [docs('/')],
    lastStartedAt: at(0),
    lastFinishedAt: at(5),
    lastSummary: summary,
    pageCount,
  };
}

function describeCrawlSiteRules(catalog: () => CrawlCatalog): void {
  describe('crawl sites', () => {
    it('records the start of a crawl, then its end and summary', async () => {
      await catalog().startCrawl({ name: 'docs', startUrls: [docs('/'), docs('/guide/')] }, at(0));
      expect(await catalog().getCrawlSite('docs')).toEqual({
        name: 'docs',
        startUrls: [docs('/'), docs('/guide/')],
        lastStartedAt: at(0),
        lastFinishedAt: null,
        lastSummary: null,
        pageCount: 0,
      });
      await catalog().finishCrawl('docs', at(5), summary);
      expect(await catalog().getCrawlSite('docs')).toEqual({
        ...finishedSite('docs', 0),
        startUrls: [docs('/'), docs('/guide/')],
      });
      expect(await catalog().getCrawlSite('Docs')).toBeUndefined();
      expect(await catalog().getCrawlSite('blog')).toBeUndefined();
    });

    it('updates start URLs and time when crawled again, keeping pages and the last summary', async () => {
      await catalog().startCrawl({ name: 'docs', startUrls: [docs('/')] }, at(0));
      await catalog().finishCrawl('docs', at(5), summary);
      await catalog().putCrawlPages([pageOf('docs', docs('/a'))]);

      await catalog().startCrawl({ name: 'docs', startUrls: [docs('/v2/'), docs('/')] }, at(10));
      expect(await catalog().getCrawlSite('docs')).toEqual({
        ...finishedSite('docs', 1),
        startUrls: [docs('/v2/'), docs('/')],
        lastStartedAt: at(10),
      });
      expect(await catalog().getCrawlPage('docs', docs('/a'))).toEqual(pageOf('docs', docs('/a')));
    });

    it('counts the pages recorded for each site', async () => {
      await catalog().startCrawl({ name: 'docs', startUrls: [docs('/')] }, at(0));
      await catalog().startCrawl({ name: 'blog', startUrls: ['https://blog.example.com/'] }, at(0));
      await catalog().putCrawlPages([
        pageOf('docs', docs('/a')),
        pageOf('docs', docs('/b')),
        pageOf('docs', docs('/c')),
        pageOf('blog', 'https://blog.example.com/post'),
      ]);
      expect((await catalog().getCrawlSite('docs'))?.pageCount).toBe(3);
      const counts = (await catalog().listCrawlSites()).map((site) => [site.name, site.pageCount]);
      expect(counts).toEqual([
        ['blog', 1],
        ['docs', 3],
      ]);
    });

    it('lists sites sorted by name, and nothing when empty', async () => {
      expect(await catalog().listCrawlSites()).toEqual([]);
      for (const name of ['docs.zeta.dev', 'api.example.com', 'blog.example.com']) {
        await catalog().startCrawl({ name, startUrls: [`https://${name}/`] }, at(0));
      }
      expect((await catalog().listCrawlSites()).map((site) => site.name)).toEqual([
        'api.example.com',
        'blog.example.com',
        'docs.zeta.dev',
      ]);
    });

    it('refuses to finish the crawl of an unknown site, creating nothing', async () => {
      await expect(catalog().finishCrawl('docs', at(5), summary)).rejects.toBeInstanceOf(NotFoundError);
      expect(await catalog().listCrawlSites()).toEqual([]);
    });

    it('refuses an empty site name and a summary that is not a plain object', async () => {
      await expect(catalog().startCrawl({ name: '', startUrls: [docs('/')] }, at(0))).rejects.toBeInstanceOf(
        ValidationError,
      );
      await catalog().startCrawl({ name: 'docs', startUrls: [docs('/')] }, at(0));
      const notAnObject = ['fetched 12'] as unknown as Record<string, unknown>;
      await expect(catalog().finishCrawl('docs', at(5), notAnObject)).rejects.toBeInstanceOf(ValidationError);
      expect(await catalog().getCrawlSite('docs')).toMatchObject({ lastFinishedAt: null, lastSummary: null });
      expect((await catalog().listCrawlSites()).map((site) => site.name)).toEqual(['docs']);
    });

    it('removes a site together with its pages, leaving other sites alone', async () => {
      await catalog().startCrawl({ name: 'docs', startUrls: [docs('/')] }, at(0));
      await catalog().startCrawl({ name: 'blog', startUrls: ['https://blog.example.com/'] }, at(0));
      const kept = pageOf('blog', docs('/a'));
      await catalog().putCrawlPages([pageOf('docs', docs('/a')), pageOf('docs', docs('/b')), kept]);

      await catalog().removeCrawlSite('docs');
      expect(await catalog().getCrawlSite('docs')).toBeUndefined();
      expect(await catalog().getCrawlPage('docs', docs('/a'))).toBeUndefined();
      expect(await catalog().getCrawlPage('blog', docs('/a'))).toEqual(kept);
      // A site added again under the same name starts without the old pages.
      await catalog().startCrawl({ name: 'docs', startUrls: [docs('/')] }, at(10));
      expect(await catalog().getCrawlSite('docs')).toMatchObject({ pageCount: 0, lastSummary: null });
      expect(await catalog().getCrawlPage('docs', docs('/b'))).toBeUndefined();
    });

    it('refuses to remove an unknown site', async () => {
      await expect(catalog().removeCrawlSite('docs')).rejects.toBeInstanceOf(NotFoundError);
    });
  });
}

function describeCrawlPageRules(catalog: () => CrawlCatalog): void {
  describe('crawl pages', () => {
    beforeEach(async () => {
      await catalog().startCrawl({ name: 'docs', startUrls: [docs('/')] }, at(0));
    });

    it('stores pages and returns them as given, nulls and the order of out-links included', async () => {
      const full = pageOf('docs', docs('/a'));
      const empty = pageOf('docs', docs('/b'), { ...unread, outLinks: [] });
      await catalog().putCrawlPages([full, empty]);
      expect(await catalog().getCrawlPage('docs', docs('/a'))).toEqual(full);
      expect(await catalog().getCrawlPage('docs', docs('/b'))).toEqual(empty);
      expect(await catalog().getCrawlPage('docs', docs('/c'))).toBeUndefined();
      expect(await catalog().getCrawlPage('blog', docs('/a'))).toBeUndefined();
    });

    it('replaces a page stored again under the same site and URL', async () => {
      await catalog().putCrawlPages([pageOf('docs', docs('/a'))]);
      const changed = pageOf('docs', docs('/a'), {
        ...unread,
        etag: '"v2"',
        documentPath: 'sites/docs/a-v2.md',
        outLinks: [docs('/mu'), docs('/new')],
        fetchedAt: at(20),
      });
      await catalog().putCrawlPages([changed]);
      expect(await catalog().getCrawlPage('docs', docs('/a'))).toEqual(changed);
      expect((await catalog().getCrawlSite('docs'))?.pageCount).toBe(1);
    });

    it('accepts an empty batch', async () => {
      await expect(catalog().putCrawlPages([])).resolves.toBeUndefined();
      expect((await catalog().getCrawlSite('docs'))?.pageCount).toBe(0);
    });

    it('deletes the given pages and says how many were recorded', async () => {
      await catalog().putCrawlPages([
        pageOf('docs', docs('/a')),
        pageOf('docs', docs('/b')),
        pageOf('docs', docs('/c')),
      ]);
      expect(await catalog().deleteCrawlPages('docs', [docs('/a'), docs('/c'), docs('/missing')])).toBe(2);
      expect(await catalog().getCrawlPage('docs', docs('/a'))).toBeUndefined();
      expect(await catalog().getCrawlPage('docs', docs('/b'))).toEqual(pageOf('docs', docs('/b')));
      expect((await catalog().getCrawlSite('docs'))?.pageCount).toBe(1);
      expect(await catalog().deleteCrawlPages('docs', [])).toBe(0);
      expect(await catalog().deleteCrawlPages('blog', [docs('/b')])).toBe(0);
      expect(await catalog().getCrawlPage('docs', docs('/b'))).toBeDefined();
    });
  });
}

function describeAtomicPutRules(catalog: () => CrawlCatalog): void {
  describe('storing pages is all or nothing', () => {
    const before = pageOf('docs', docs('/kept'));

    beforeEach(async () => {
      await catalog().startCrawl({ name: 'docs', startUrls: [docs('/')] }, at(0));
      await catalog().putCrawlPages([before]);
    });

    async function expectUnchanged(): Promise<void> {
      expect(await catalog().getCrawlPage('docs', docs('/kept'))).toEqual(before);
      expect(await catalog().getCrawlPage('docs', docs('/new'))).toBeUndefined();
      expect((await catalog().getCrawlSite('docs'))?.pageCount).toBe(1);
      expect((await catalog().listCrawlSites()).map((site) => site.name)).toEqual(['docs']);
    }

    it('refuses a batch naming an unknown site and stores none of it', async () => {
      const batch = [
        pageOf('docs', docs('/new')),
        pageOf('blog', docs('/new')),
        pageOf('docs', docs('/kept'), { title: 'Overwritten?' }),
      ];
      await expect(catalog().putCrawlPages(batch)).rejects.toBeInstanceOf(NotFoundError);
      await expectUnchanged();
    });

    it('refuses a batch holding a malformed page and stores none of it', async () => {
      const malformed = {
        ...pageOf('docs', docs('/other')),
        outLinks: docs('/a'),
      } as unknown as CrawlPageRecord;
      const batch = [pageOf('docs', docs('/new')), malformed, pageOf('docs', docs('/kept'), { title: 'No' })];
      await expect(catalog().putCrawlPages(batch)).rejects.toBeInstanceOf(ValidationError);
      await expectUnchanged();
    });
  });
}
