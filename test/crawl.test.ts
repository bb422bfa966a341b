import { createServer, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CrawlSummary } from '../src/crawl/crawl-types.ts';
import { type CrawlHarness, startCrawlHarness } from './support/crawl-harness.ts';
import { crawlSiteWords as words } from './support/crawl-site.ts';
import { docsDocument } from './support/crawl-site-pages.ts';
import { htmlType, listen } from './support/crawl-site-wire.ts';
import { closeServer } from './support/http-body.ts';

/**
 * Static crawls of the local Widgetry docs site through the real composition: SQLite catalog, SQLite
 * knowledge base, Crawlee over the guarded HTTP client. The tests opt in to private networks (the site
 * is on 127.0.0.1); 429s fail at once (`maxRetryAfterSeconds: 0`) so a whole-site crawl stays quick.
 */
const fastSettings = {
  allowPrivateNetworks: true,
  retries: 2,
  maxRetryAfterSeconds: 0,
  pageTimeoutSeconds: 5,
};

let harness: CrawlHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function start(crawl: Record<string, unknown> = {}): Promise<CrawlHarness> {
  harness = await startCrawlHarness({ crawl: { ...fastSettings, ...crawl } });
  return harness;
}

/** The URLs of the hits for `word` (deduplicated, sorted). */
async function urlsFor(h: CrawlHarness, word: string): Promise<string[]> {
  return [...new Set((await h.search(word)).map((hit) => hit.url ?? ''))].sort();
}

function skippedUrls(summary: CrawlSummary, reason: string): string[] {
  return summary.skipped.examples.filter((issue) => issue.reason === reason).map((issue) => issue.url);
}

describe('a first crawl of the whole site', () => {
  let h: CrawlHarness;
  let summary: CrawlSummary;

  beforeAll(async () => {
    h = await startCrawlHarness({ crawl: fastSettings });
    summary = await h.crawl({ urls: [h.site.url('/')], depth: 2 });
  });

  afterAll(async () => {
    await h.close();
  });

  it('counts what it did', () => {
    expect(summary.source).toBe(h.source);
    expect(summary.interrupted).toBe(false);
    expect(summary.fetched).toBeGreaterThanOrEqual(10);
    expect(summary.new).toBe(summary.fetched);
    expect(summary).toMatchObject({ unchanged: 0, updated: 0, removed: 0 });
    expect(summary.chunks).toBeGreaterThanOrEqual(summary.new);
    // Depth 2 from / reaches the redirect loop and the page that answers 429 forever.
    expect(summary.failed.reasons).toEqual({ 'redirect-loop': 1, 'rate-limited': 1 });
  });

  it('makes sections searchable, cited by the page URL and the heading they sit under', async () => {
    const { site } = h;
    const frobnicate = await h.search(words.guideFrobnicator);
    expect(frobnicate.length).toBeGreaterThan(0);
    expect(frobnicate[0]?.url).toBe(site.url('/docs/guide'));
    expect(frobnicate[0]?.headingPath).toContain('Configuring the frobnicator');
    expect(frobnicate[0]?.source).toBe(h.source);
    expect(frobnicate[0]?.title).toMatch(/User guide/);
    const batching = await h.search(words.guideBatching);
    expect(batching[0]?.headingPath.slice(-2)).toEqual(['Tuning throughput', 'Batching']);
    expect(await urlsFor(h, words.introOverview)).toEqual([site.url('/docs/intro')]);
    expect((await h.search(words.introOverview))[0]?.headingPath).toContain('Overview');
    expect(await urlsFor(h, words.apiErrors)).toEqual([site.url('/docs/api')]);
  });

  it('indexes the main text of every page, short ones too, and never the nav or footer', async () => {
    const { site } = h;
    expect(await urlsFor(h, words.home)).toEqual([site.url('/')]);
    expect(await urlsFor(h, words.gone)).toEqual([site.url('/gone')]);
    expect(await h.search(words.footer)).toEqual([]);
    for (const hit of await h.search('Widgetry', 50)) expect(hit.text).not.toContain(words.footer);
  });

  it('obeys robots.txt: disallowed pages are never requested, and counted as skipped', async () => {
    const { site } = h;
    expect(site.countFor('/private/secret')).toBe(0);
    expect(site.countFor('/no-quarry/page')).toBe(0);
    expect(summary.skipped.reasons.robots).toBe(2);
    expect(skippedUrls(summary, 'robots').sort()).toEqual(
      [site.url('/no-quarry/page'), site.url('/private/secret')].sort(),
    );
    expect(await h.search(words.private)).toEqual([]);
    expect(await h.search(words.noQuarry)).toEqual([]);
  });

  it('crawls the pages only the sitemap and only llms.txt name', async () => {
    const { site } = h;
    expect(site.countFor('/orphan')).toBe(1);
    expect(site.countFor('/llms-only')).toBe(1);
    expect(await h.services.catalog.getCrawlPage(h.source, site.url('/orphan'))).toBeDefined();
    expect(await h.services.catalog.getCrawlPage(h.source, site.url('/llms-only'))).toBeDefined();
    expect(await urlsFor(h, words.orphan)).toEqual([site.url('/orphan')]);
    expect(await urlsFor(h, words.llmsOnly)).toEqual([site.url('/llms-only')]);
  });

  it('skips other hosts, images and PDFs with their reason, and drops mailto: links', () => {
    const { site } = h;
    expect(skippedUrls(summary, 'other-host')).toContain('http://example.com/x');
    expect(skippedUrls(summary, 'file-type')).toEqual(
      expect.arrayContaining([site.url('/assets/logo.png'), site.url('/files/manual.pdf')]),
    );
    expect(site.countFor('/assets/logo.png')).toBe(0);
    expect(site.countFor('/files/manual.pdf')).toBe(0);
    const mentioned = [...summary.skipped.examples, ...summary.failed.examples].map((issue) => issue.url);
    expect(mentioned.filter((url) => !url.startsWith('http'))).toEqual([]);
  });

  it('requests a page once, whatever tracking parameters or fragments its links carry', () => {
    const introRequests = h.site.requests.filter((request) => request.path.startsWith('/docs/intro'));
    expect(introRequests.map((request) => request.path)).toEqual(['/docs/intro']);
    for (const request of h.site.requests) expect(request.path).not.toMatch(/utm_|#/);
  });

  it('records the site and every page in the catalog', async () => {
    const { site } = h;
    const [record, ...others] = await h.services.catalog.listCrawlSites();
    expect(others).toEqual([]);
    expect(record).toMatchObject({ name: h.source, startUrls: [site.url('/')] });
    expect(record?.pageCount).toBe(summary.new);
    expect(record?.lastFinishedAt).toEqual(expect.any(String));
    expect(Date.parse(record?.lastFinishedAt ?? '')).toBeGreaterThanOrEqual(
      Date.parse(record?.lastStartedAt ?? ''),
    );
    expect(record?.lastSummary).toEqual(JSON.parse(JSON.stringify(summary)));
    const guide = await h.services.catalog.getCrawlPage(h.source, site.url('/docs/guide'));
    expect(guide).toMatchObject({
      etag: expect.stringMatching(/^"[0-9a-f]{40}"$/),
      lastModified: 'Mon, 12 Jan 2026 08:00:00 GMT',
      contentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      documentPath: `${h.source}/docs/guide`,
      title: expect.stringMatching(/User guide/),
    });
    expect(guide?.outLinks).toEqual(expect.arrayContaining([site.url('/docs/api'), site.url('/docs/intro')]));
  });
});

describe('quarry crawl (static)', () => {
  it('stores canonical variants of a page (trailing slash, ?print=1) as one document', async () => {
    const h = await start();
    const { site } = h;
    site.setPage(
      '/variants',
      `<!doctype html><html><head><title>Variants</title></head><body><main><p>Links to one page.</p>
<a href="/docs/guide/">Guide with a slash</a> <a href="/docs/guide?print=1">Printable guide</a>
<a href="/docs/guide">Guide</a></main></body></html>`,
    );
    const summary = await h.crawl({
      urls: [site.url('/variants')],
      depth: 1,
      include: ['/variants', '/docs/guide'],
    });
    expect(summary.failed.total).toBe(0);
    expect(await urlsFor(h, words.guideFrobnicator)).toEqual([site.url('/docs/guide')]);
    const { catalog } = h.services;
    expect(await catalog.getCrawlPage(h.source, site.url('/docs/guide'))).toBeDefined();
    expect(await catalog.getCrawlPage(h.source, site.url('/docs/guide/'))).toBeUndefined();
    expect(await catalog.getCrawlPage(h.source, site.url('/docs/guide?print=1'))).toBeUndefined();
    expect(summary.new).toBe(2);
    expect(summary.skipped.reasons.duplicate).toBeGreaterThanOrEqual(1);
  });

  it('re-crawls without changes by conditional GETs and sitemap lastmod, writing nothing', async () => {
    const h = await start();
    const { site } = h;
    const first = await h.crawl({ urls: [site.url('/')], depth: 2 });
    const knowledge = await h.services.knowledge();
    const statsBefore = await knowledge.indexStats();
    const hitsBefore = await h.search(words.guideFrobnicator);
    site.clearRequests();

    const second = await h.crawl({ urls: [site.url('/')], depth: 2 });
    expect(second).toMatchObject({ new: 0, updated: 0, removed: 0, chunks: 0 });
    expect(second.unchanged).toBe(first.new);

    // Every page indexed before was either asked for with its ETag (and answered 304) or not requested at
    // all. The one exception: `/moved` redirects to /docs/guide, and that hop carries no validators.
    const indexedPaths = [
      '/',
      '/docs/intro',
      '/docs/guide',
      '/docs/api',
      '/orphan',
      '/llms-only',
      '/broken-html',
    ];
    for (const path of indexedPaths) {
      const record = await h.services.catalog.getCrawlPage(h.source, site.url(path));
      expect(record, path).toBeDefined();
      const requests = site.requests.filter((request) => request.path === path);
      const unconditional = requests.filter((request) => request.headers['if-none-match'] !== record?.etag);
      expect(unconditional.length, `${path} requested without its ETag`).toBe(path === '/docs/guide' ? 1 : 0);
    }
    // The sitemap says these have not changed since the last crawl: not requested at all.
    expect(site.countFor('/docs/intro')).toBe(0);
    expect(site.countFor('/orphan')).toBe(0);
    expect(site.requests.filter((request) => request.headers['if-none-match']).length).toBeGreaterThan(0);

    expect(await knowledge.indexStats()).toEqual(statsBefore);
    expect((await h.search(words.guideFrobnicator)).map((hit) => hit.chunkId)).toEqual(
      hitsBefore.map((hit) => hit.chunkId),
    );
  });

  it('does not request sitemap pages whose lastmod is older than their last fetch', async () => {
    const h = await start();
    const { site } = h;
    await h.crawl({ urls: [site.url('/')], depth: 2 });
    site.clearRequests();
    const second = await h.crawl({ urls: [site.url('/')], depth: 2 });
    expect(second).toMatchObject({ new: 0, updated: 0 });
    // /docs/guide is left out: /moved redirects there, and that hop is a request of its own.
    for (const path of ['/docs/intro', '/docs/api', '/orphan']) expect(site.countFor(path), path).toBe(0);
  });

  it('notices a changed sitemap page although the crawler clock runs ahead of the site clock', async () => {
    const h = await start();
    const { site } = h;
    // The machine running Quarry is 10 s ahead of the web server: sitemap dates are the server's.
    const clock = () => new Date(Date.now() + 10_000);
    const scope = { urls: [site.url('/orphan')], depth: 0 };
    expect((await h.crawl(scope, { clock })).new).toBe(1);
    site.setPage(
      '/orphan',
      '<!doctype html><html><head><title>Orphaned page</title></head><body><main><h1>Orphaned page</h1>\n<p>The driftwoodle edition of the page that only the sitemap lists.</p></main></body></html>',
    );
    // Only the sitemap leads to /orphan now, and its lastmod there moved on.
    const changed = await h.crawl({ urls: [site.url('/')], depth: 1, include: ['/', '/orphan'] }, { clock });
    expect(changed.updated).toBe(1);
    expect(await urlsFor(h, 'driftwoodle')).toEqual([site.url('/orphan')]);
  });

  it('re-indexes a changed page', async () => {
    const h = await start();
    const { site } = h;
    await h.crawl({ urls: [site.url('/')], depth: 2 });
    site.setPage(
      '/docs/guide',
      docsDocument(
        site.origin,
        '/docs/guide',
        'User guide',
        '<h1>Widgetry user guide</h1>\n<h2 id="quuxinator">Configuring the quuxinator</h2>\n<p>To plumbobulate every widget, turn the quuxinator on in the project configuration file.</p>',
      ),
    );
    const changed = await h.crawl({ urls: [site.url('/')], depth: 2 });
    expect(changed).toMatchObject({ new: 0, updated: 1, removed: 0 });
    expect(changed.chunks).toBeGreaterThan(0);
    const plumbobulate = await h.search('plumbobulate');
    expect(plumbobulate.map((hit) => hit.url)).toEqual([site.url('/docs/guide')]);
    expect(plumbobulate[0]?.headingPath).toContain('Configuring the quuxinator');
    expect(await h.search(words.guideFrobnicator)).toEqual([]);
    expect(await h.search(words.guideBatching)).toEqual([]);
    expect(await urlsFor(h, words.introOverview)).toEqual([site.url('/docs/intro')]);
  });

  it('removes pages that now answer 410 or 404, and nothing else', async () => {
    const h = await start();
    const { site } = h;
    await h.crawl({ urls: [site.url('/')], depth: 2 });
    // Soft: if the words were never indexed, the removal below is still checked (and reported).
    expect.soft(await urlsFor(h, words.gone)).toEqual([site.url('/gone')]);
    expect.soft(await urlsFor(h, words.broken)).toEqual([site.url('/broken-html')]);
    expect(await h.services.catalog.getCrawlPage(h.source, site.url('/gone'))).toBeDefined();

    site.removePage('/gone', 410);
    site.removePage('/broken-html', 404);
    const removed = await h.crawl({ urls: [site.url('/')], depth: 2 });
    expect(removed).toMatchObject({ new: 0, updated: 0, removed: 2 });
    expect(removed.failed.reasons['http-error']).toBeUndefined();
    expect(await h.search(words.gone)).toEqual([]);
    expect(await h.search(words.broken)).toEqual([]);
    expect(await h.services.catalog.getCrawlPage(h.source, site.url('/gone'))).toBeUndefined();
    expect(await h.services.catalog.getCrawlPage(h.source, site.url('/broken-html'))).toBeUndefined();
    expect(await urlsFor(h, words.introOverview)).toEqual([site.url('/docs/intro')]);
    expect(await urlsFor(h, words.guideFrobnicator)).toEqual([site.url('/docs/guide')]);
    const [record] = await h.services.catalog.listCrawlSites();
    expect(record?.pageCount).toBe(removed.unchanged);
  });

  it('keeps to --include and --exclude globs', async () => {
    const h = await start();
    const { site } = h;
    const summary = await h.crawl({
      urls: [site.url('/docs/intro')],
      depth: 2,
      include: ['/docs/**'],
      exclude: ['/docs/api'],
    });
    const paths = new Set(h.pageRequests().map((request) => request.path));
    expect([...paths].sort()).toEqual(['/docs/guide', '/docs/intro']);
    expect(summary.new).toBe(2);
    expect(summary.skipped.reasons.excluded).toBeGreaterThanOrEqual(1);
    expect(skippedUrls(summary, 'excluded')).toContain(site.url('/docs/api'));
    expect(summary.skipped.reasons['not-included']).toBeGreaterThanOrEqual(1);
    expect(skippedUrls(summary, 'not-included')).toEqual(
      expect.arrayContaining([site.url('/'), site.url('/orphan')]),
    );
    expect(await h.search(words.apiErrors)).toEqual([]);
    expect(await urlsFor(h, words.guideThroughput)).toEqual([site.url('/docs/guide')]);
  });

  it('stops at --max-pages', async () => {
    const h = await start();
    const summary = await h.crawl({ urls: [h.site.url('/')], depth: 2, maxPages: 3 });
    const paths = new Set(h.pageRequests().map((request) => request.path));
    expect(paths.size).toBe(3);
    expect(paths.has('/')).toBe(true);
    expect(summary.fetched + summary.failed.total).toBeLessThanOrEqual(3);
    expect(summary.skipped.reasons['max-pages']).toBeGreaterThan(0);
    expect(skippedUrls(summary, 'max-pages')[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
  });

  it('crawls only the start URLs at --depth 0, not even the sitemap pages', async () => {
    const h = await start();
    const { site } = h;
    const summary = await h.crawl({ urls: [site.url('/'), site.url('/docs/guide')], depth: 0 });
    expect(
      h
        .pageRequests()
        .map((request) => request.path)
        .sort(),
    ).toEqual(['/', '/docs/guide']);
    expect(summary).toMatchObject({ fetched: 2, new: 2 });
    expect(summary.skipped.reasons.depth).toBeGreaterThan(0);
    expect(skippedUrls(summary, 'depth')).toEqual(expect.arrayContaining([site.url('/docs/intro')]));
    expect(await h.search(words.orphan)).toEqual([]);
    expect(await h.search(words.introOverview)).toEqual([]);
  });

  it('spaces requests by the Crawl-delay robots.txt asks of QuarryBot', async () => {
    const h = await start();
    const { site } = h;
    site.setRobots('User-agent: *\nDisallow: /private/\n\nUser-agent: QuarryBot\nCrawl-delay: 1\n');
    const summary = await h.crawl({
      urls: [site.url('/docs/intro'), site.url('/docs/guide'), site.url('/docs/api')],
      depth: 0,
      concurrency: 4,
    });
    expect(summary.new).toBe(3);
    const times = h
      .pageRequests()
      .map((request) => request.at)
      .sort((a, b) => a - b);
    expect(times).toHaveLength(3);
    // A second apart (less a little for timer and clock granularity), however many pages may run at once.
    const gaps = times.slice(1).map((at, index) => at - (times[index] ?? 0));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(900);
  });

  it('retries a page that fails once with 503, then indexes it', async () => {
    const h = await start();
    const { site } = h;
    const summary = await h.crawl({ urls: [site.url('/server-error-once')], depth: 0 });
    expect(site.countFor('/server-error-once')).toBe(2);
    expect(summary.failed.total).toBe(0);
    expect(summary.new).toBe(1);
    expect(await urlsFor(h, words.serverErrorOnce)).toEqual([site.url('/server-error-once')]);
  });

  it('never has more pages in flight on a host than --concurrency', async () => {
    const h = await start();
    const slow = await startSlowSite(10, 150);
    try {
      const summary = await h.crawl({ urls: [`${slow.origin}/`], depth: 1, concurrency: 2 });
      expect(summary.new).toBe(11);
      expect(slow.maxInFlight()).toBeLessThanOrEqual(2);
      expect(slow.maxInFlight()).toBeGreaterThanOrEqual(1);
    } finally {
      await slow.close();
    }
  });
});

/** A site whose `/` links `count` pages that each answer after `delayMs`, counting requests in flight. */
async function startSlowSite(count: number, delayMs: number) {
  let inFlight = 0;
  let maxInFlight = 0;
  const page = (title: string, body: string) =>
    `<!doctype html><html><head><title>${title}</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`;
  const server: Server = createServer((request, response) => {
    const path = request.url ?? '/';
    if (path === '/') {
      const links = Array.from(
        { length: count },
        (_, index) => `<p><a href="/p/${index}">Page ${index}</a></p>`,
      );
      response.writeHead(200, { 'content-type': htmlType });
      response.end(page('Index of slow pages', `<p>Slow pages follow.</p>${links.join('')}`));
      return;
    }
    const match = /^\/p\/(\d+)$/.exec(path);
    if (!match) {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('not found');
      return;
    }
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    setTimeout(() => {
      inFlight -= 1;
      response.writeHead(200, { 'content-type': htmlType });
      response.end(
        page(`Slow page ${match[1]}`, `<p>Slow page number ${match[1]} answers after a while.</p>`),
      );
    }, delayMs);
  });
  const origin = await listen(server, '127.0.0.1');
  return { origin, maxInFlight: () => maxInFlight, close: () => closeServer(server) };
}
