import type { HttpRequest } from '@crawlee/cheerio';
import { afterEach, describe, expect, it } from 'vitest';
import { parseCrawlSite } from '../src/core/config.ts';
import { UnsafeInputError, ValidationError } from '../src/core/errors/index.ts';
import { crawlSite } from '../src/crawl/crawl-site.ts';
import type { CrawlSummary } from '../src/crawl/crawl-types.ts';
import { PageFailed } from '../src/crawl/page-errors.ts';
import { createPageHttpClient } from '../src/crawl/page-http-client.ts';
import { type CrawlHarness, startCrawlHarness } from './support/crawl-harness.ts';
import { crawlSiteWords as words } from './support/crawl-site.ts';
import { quarryRejection } from './support/quarry-rejection.ts';

/**
 * What a crawl does with bad input: each case ends with a clear reason in the summary (or a clear error
 * before anything is fetched), and pages indexed before stay indexed.
 */
const fastSettings = {
  allowPrivateNetworks: true,
  retries: 2,
  maxRetryAfterSeconds: 2,
  pageTimeoutSeconds: 5,
};

let harness: CrawlHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** A harness whose index already holds /docs/guide (the page every test checks is not lost). */
async function startWithGuide(crawl: Record<string, unknown> = fastSettings): Promise<CrawlHarness> {
  harness = await startCrawlHarness({ crawl });
  if (crawl.allowPrivateNetworks === true) {
    const seeded = await harness.crawl({ urls: [harness.site.url('/docs/guide')], depth: 0 });
    expect(seeded.new).toBe(1);
    harness.site.clearRequests();
  }
  return harness;
}

async function expectGuideStillIndexed(h: CrawlHarness): Promise<void> {
  const hits = await h.search(words.guideFrobnicator);
  expect(hits.map((hit) => hit.url)).toContain(h.site.url('/docs/guide'));
  expect(await h.services.catalog.getCrawlPage(h.source, h.site.url('/docs/guide'))).toBeDefined();
}

function issueFor(summary: CrawlSummary, list: 'skipped' | 'failed', url: string) {
  return summary[list].examples.find((issue) => issue.url === url);
}

describe('quarry crawl with bad input', () => {
  it('fails a redirect loop with its reason and still indexes the other pages', async () => {
    const h = await startWithGuide();
    const { site } = h;
    const summary = await h.crawl({
      urls: [site.url('/redirect-loop/a'), site.url('/docs/intro')],
      depth: 0,
    });
    expect(summary.failed.reasons['redirect-loop']).toBe(1);
    expect(issueFor(summary, 'failed', site.url('/redirect-loop/a'))?.detail).toMatch(/redirect loop/i);
    // Not retried: a loop stays a loop.
    expect(site.countFor('/redirect-loop/a')).toBe(1);
    expect(summary.new).toBe(1);
    expect((await h.search(words.introOverview)).map((hit) => hit.url)).toContain(site.url('/docs/intro'));
    await expectGuideStillIndexed(h);
  });

  it('ends an endless calendar at --depth or --max-pages, in bounded time', async () => {
    const h = await startWithGuide();
    const calendar = { urls: [h.site.url('/calendar?month=2026-01')], include: ['/calendar'] };
    const calendarRequests = () => h.site.requests.filter((request) => request.path.startsWith('/calendar'));
    let started = Date.now();
    // 20 months back and 20 ahead of the start: the depth limit ends it first.
    const deep = await h.crawl({ ...calendar, depth: 20, maxPages: 60 });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(calendarRequests().length).toBe(41);
    expect(deep).toMatchObject({ fetched: 41, new: 41 });
    expect(deep.skipped.reasons.depth).toBe(2);
    expect(deep.skipped.reasons['not-included']).toBeGreaterThan(0);

    h.site.clearRequests();
    started = Date.now();
    const capped = await h.crawl({ ...calendar, depth: 20, maxPages: 25 });
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(calendarRequests().length).toBe(25);
    expect(capped.fetched).toBe(25);
    expect(capped.skipped.reasons['max-pages']).toBeGreaterThan(0);
    expect(capped.skipped.examples.find((issue) => issue.reason === 'max-pages')?.detail).toMatch(
      /--max-pages 25/,
    );
    await expectGuideStillIndexed(h);
  });

  it('ends an endless calendar as a URL trap once its URL pattern has used its budget', async () => {
    const h = await startWithGuide({ ...fastSettings, maxPagesPerPattern: 8 });
    const summary = await h.crawl({
      urls: [h.site.url('/calendar?month=2026-01')],
      include: ['/calendar'],
      depth: 20,
      maxPages: 60,
    });
    const calendarRequests = h.site.requests.filter((request) => request.path.startsWith('/calendar'));
    expect(calendarRequests.length).toBe(8);
    expect(summary.fetched).toBe(8);
    expect(summary.skipped.reasons['url-trap']).toBeGreaterThan(0);
    expect(summary.skipped.examples.find((issue) => issue.reason === 'url-trap')?.detail).toMatch(/endless/);
    await expectGuideStillIndexed(h);
  });

  it('skips 50 MB pages, with or without Content-Length, without reading them into memory', async () => {
    const h = await startWithGuide();
    const { site } = h;
    global.gc?.();
    const before = process.memoryUsage().rss;
    const started = Date.now();
    const summary = await h.crawl({ urls: [site.url('/huge'), site.url('/huge-chunked')], depth: 0 });
    const grown = process.memoryUsage().rss - before;
    expect(summary.skipped.reasons['too-large']).toBe(2);
    expect(issueFor(summary, 'skipped', site.url('/huge'))?.detail).toMatch(/maxPageBytes/);
    expect(issueFor(summary, 'skipped', site.url('/huge-chunked'))?.detail).toMatch(/maxPageBytes/);
    expect(summary.failed.total).toBe(0);
    expect(summary.new).toBe(0);
    // Neither was retried, and neither was read to the end (50 MB over loopback takes a while).
    expect(site.countFor('/huge')).toBe(1);
    expect(site.countFor('/huge-chunked')).toBe(1);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(grown).toBeLessThan(40 * 1024 * 1024);
    expect(await h.search(words.huge)).toEqual([]);
    await expectGuideStillIndexed(h);
  });

  it('indexes invalid HTML', async () => {
    const h = await startWithGuide();
    const summary = await h.crawl({ urls: [h.site.url('/broken-html')], depth: 0 });
    expect(summary).toMatchObject({ new: 1, failed: { total: 0 } });
    const hits = await h.search(words.broken);
    expect(hits.map((hit) => hit.url)).toEqual([h.site.url('/broken-html')]);
    await expectGuideStillIndexed(h);
  });

  it('decodes Latin-1 pages named in the header or only in a meta tag', async () => {
    const h = await startWithGuide();
    const { site } = h;
    const summary = await h.crawl({ urls: [site.url('/latin1'), site.url('/latin1-meta')], depth: 0 });
    expect(summary).toMatchObject({ new: 2, failed: { total: 0 } });
    const hits = await h.search(words.latin1);
    expect(new Set(hits.map((hit) => hit.url))).toEqual(
      new Set([site.url('/latin1'), site.url('/latin1-meta')]),
    );
    for (const hit of hits) {
      expect(hit.text).not.toContain('\uFFFD');
      expect(hit.text).toContain('naïve façade');
    }
    for (const word of ['façade', 'smörgåsbord']) {
      expect((await h.search(word)).length, word).toBe(2);
    }
    await expectGuideStillIndexed(h);
  });

  it('fails a page that answers 429 forever after its retries, and at once when Retry-After is too long', async () => {
    const h = await startWithGuide();
    const { site } = h;
    const retried = await h.crawl({ urls: [site.url('/rate-limited'), site.url('/docs/intro')], depth: 0 });
    expect(retried.failed.reasons['rate-limited']).toBe(1);
    expect(issueFor(retried, 'failed', site.url('/rate-limited'))?.detail).toMatch(/429.*after 2 retries/);
    expect(site.countFor('/rate-limited')).toBe(3);
    expect(retried.new).toBe(1);

    site.clearRequests();
    const refused = await h.crawl(
      { urls: [site.url('/rate-limited')], depth: 0 },
      { settings: { maxRetryAfterSeconds: 0 } },
    );
    expect(refused.failed.reasons['rate-limited']).toBe(1);
    expect(issueFor(refused, 'failed', site.url('/rate-limited'))?.detail).toMatch(
      /crawl\.maxRetryAfterSeconds/,
    );
    expect(site.countFor('/rate-limited')).toBe(1);
    await expectGuideStillIndexed(h);
  });

  it('refuses start URLs that are not http or https before anything is written', async () => {
    const h = await startWithGuide({ ...fastSettings, allowPrivateNetworks: false });
    // Straight to crawlSite: `quarry crawl` and crawl.sites check the scheme earlier, crawlSite checks again.
    const defaults = parseCrawlSite({ urls: ['http://example.com/'] });
    for (const url of ['file:///etc/passwd', 'ftp://x/', 'javascript:alert(1)']) {
      const error = await quarryRejection(crawlSite(h.dependencies, { ...defaults, urls: [url] }));
      expect(error, url).toBeInstanceOf(ValidationError);
      expect(error.message, url).toMatch(/only http and https/i);
    }
    expect(await h.services.catalog.listCrawlSites()).toEqual([]);
  });

  it('refuses private start URLs unless the crawl opts in, without a single request', async () => {
    const h = await startWithGuide({ ...fastSettings, allowPrivateNetworks: false });
    const port = new URL(h.site.origin).port;
    for (const url of [
      h.site.url('/'),
      `http://localhost:${port}/`,
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]/',
    ]) {
      const error = await quarryRejection(h.crawl({ urls: [url], depth: 0 }));
      expect(error, url).toBeInstanceOf(UnsafeInputError);
      expect(error.message, url).toMatch(/^Refusing to crawl/);
      expect(error.hint, url).toMatch(/--allow-private-networks/);
      expect(error.hint, url).toMatch(/crawl\.allowPrivateNetworks/);
    }
    const metadata = await quarryRejection(h.crawl({ urls: ['http://169.254.169.254/latest/meta-data/'] }));
    expect(metadata.message).toMatch(/cloud metadata/);
    // A public-looking first URL does not let a private second one through.
    await expect(
      h.crawl({ urls: ['http://93.184.215.14/', h.site.url('/docs/intro')], depth: 0 }),
    ).rejects.toBeInstanceOf(UnsafeInputError);
    expect(h.site.requests).toEqual([]);
    expect(await h.services.catalog.listCrawlSites()).toEqual([]);

    // The site's own setting wins over the configuration.
    const allowed = await h.crawl({
      urls: [h.site.url('/docs/intro')],
      depth: 0,
      allowPrivateNetworks: true,
    });
    expect(allowed.new).toBe(1);
  });

  it('refuses private addresses in the page client itself when the opt-in is off', async () => {
    const h = await startWithGuide({ ...fastSettings, allowPrivateNetworks: false });
    const client = createPageHttpClient({
      allowPrivateNetworks: false,
      userAgent: 'QuarryBot/0.1',
      maxPageBytes: 1_000_000,
      timeoutMs: 5_000,
    });
    for (const url of [
      h.site.url('/docs/intro'),
      `http://localhost:${new URL(h.site.origin).port}/docs/intro`,
    ]) {
      const request = { url, method: 'GET', headers: {}, responseType: 'text' } as unknown as HttpRequest;
      const error: unknown = await client.sendRequest(request).then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(error, url).toBeInstanceOf(PageFailed);
      expect((error as PageFailed).reason, url).toBe('private-network');
      expect((error as PageFailed).retryable, url).toBe(false);
    }
    expect(h.site.requests).toEqual([]);
  });

  it('skips a page served as JSON even when its name looks like a page', async () => {
    const h = await startWithGuide();
    const { site } = h;
    site.setPage('/data', '{"a":1,"word":"jsonquokka"}', 'application/json');
    const summary = await h.crawl({ urls: [site.url('/data')], depth: 0 });
    expect(summary.skipped.reasons['not-html']).toBe(1);
    expect(issueFor(summary, 'skipped', site.url('/data'))?.detail).toMatch(/application\/json/);
    expect(summary.failed.total).toBe(0);
    expect(site.countFor('/data')).toBe(1);
    expect(await h.search('jsonquokka')).toEqual([]);
    await expectGuideStillIndexed(h);
  });

  it('keeps what was crawled when the crawl is stopped', async () => {
    const h = await startWithGuide();
    const { site } = h;
    site.slowMs = 20_000;
    const controller = new AbortController();
    const started = Date.now();
    // One page at a time, in order: /slow is requested only once both docs pages are handled.
    const crawl = h.crawl(
      { urls: [site.url('/docs/intro'), site.url('/docs/api'), site.url('/slow')], depth: 0, concurrency: 1 },
      { signal: controller.signal, settings: { pageTimeoutSeconds: 30 } },
    );
    await waitFor(() => site.countFor('/slow') > 0, 15_000);
    controller.abort();
    const summary = await crawl;
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(summary.interrupted).toBe(true);
    expect(summary.new).toBe(2);
    expect((await h.search(words.introOverview)).map((hit) => hit.url)).toEqual([site.url('/docs/intro')]);
    expect((await h.search(words.apiErrors)).map((hit) => hit.url)).toEqual([site.url('/docs/api')]);
    expect(await h.search(words.slow)).toEqual([]);
    const [record] = await h.services.catalog.listCrawlSites();
    expect(record?.lastFinishedAt).toEqual(expect.any(String));
    expect(record?.lastSummary).toMatchObject({ interrupted: true });
    expect(await h.services.catalog.getCrawlPage(h.source, site.url('/docs/api'))).toBeDefined();
    await expectGuideStillIndexed(h);
  });
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the condition');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
