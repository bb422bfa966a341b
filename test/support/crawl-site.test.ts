import { get as httpGet } from 'node:http';
import robotsParserModule from 'robots-parser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type CrawlSite,
  crawlSiteWords,
  generatedPageWord,
  hugeBytes,
  startCrawlSite,
  startGeneratedSite,
} from './crawl-site.ts';

/** robots-parser is CommonJS with ES-style typings: under NodeNext the default import is the function. */
const robotsParser = robotsParserModule as unknown as typeof robotsParserModule.default;

let site: CrawlSite;

beforeEach(async () => {
  site = await startCrawlSite();
});

afterEach(async () => {
  await site.close();
});

async function get(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(site.url(path), { redirect: 'manual', ...init });
}

function hrefs(html: string): string[] {
  return [...html.matchAll(/href="([^"]*)"/g)].map((match) => match[1] ?? '');
}

describe('crawl test site', () => {
  it('serves robots.txt with a general group and a stricter QuarryBot group, and can drop it', async () => {
    expect(site.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await get('/robots.txt');
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const robots = robotsParser(site.url('/robots.txt'), await response.text());
    const quarry = 'QuarryBot';
    expect(robots.isAllowed(site.url('/no-quarry/page'), quarry)).toBe(false);
    expect(robots.isAllowed(site.url('/private/secret'), quarry)).toBe(false);
    expect(robots.isAllowed(site.url('/docs/intro'), quarry)).toBe(true);
    expect(robots.isAllowed(site.url('/no-quarry/page'), 'OtherBot')).toBe(true);
    expect(robots.isAllowed(site.url('/private/secret'), 'OtherBot')).toBe(false);
    expect(robots.getCrawlDelay(quarry)).toBeUndefined();
    expect(robots.getSitemaps()).toEqual([site.url('/sitemap.xml')]);
    site.setRobots('User-agent: *\nCrawl-delay: 2\n');
    expect(await (await get('/robots.txt')).text()).toContain('Crawl-delay: 2');
    site.setRobots(undefined);
    expect((await get('/robots.txt')).status).toBe(404);
  });

  it('lists the docs pages and the orphan in the sitemap, and links the llms-only page from llms.txt', async () => {
    const sitemap = await (await get('/sitemap.xml')).text();
    const locs = [...sitemap.matchAll(/<loc>([^<]+)<\/loc>/g)].map((match) => match[1]);
    expect(locs).toEqual(['/', '/docs/intro', '/docs/guide', '/docs/api', '/orphan'].map(site.url));
    expect(sitemap).toContain('<lastmod>2026-01-12T08:00:00Z</lastmod>');
    expect(await (await get('/llms.txt')).text()).toContain('](/llms-only)');
    expect(await (await get('/orphan')).text()).toContain(crawlSiteWords.orphan);
  });

  it('links every case from the home page, and serves canonical duplicates of the guide', async () => {
    const home = await (await get('/')).text();
    expect(hrefs(home)).toEqual(
      expect.arrayContaining([
        'http://example.com/x',
        '#install',
        '/docs/intro?utm_source=x',
        '/moved',
        '/gone',
      ]),
    );
    for (const path of ['/docs/guide', '/docs/guide/', '/docs/guide?print=1']) {
      const html = await (await get(path)).text();
      expect(html).toContain(`<link rel="canonical" href="${site.url('/docs/guide')}">`);
      expect(html).toContain('<h2 id="configuring-the-frobnicator">Configuring the frobnicator</h2>');
      expect(html).toContain(crawlSiteWords.guideFrobnicator);
    }
  });

  it('answers 304 to If-None-Match and If-Modified-Since, and setPage changes the validators', async () => {
    const first = await get('/docs/guide');
    const etag = first.headers.get('etag') ?? '';
    const lastModified = first.headers.get('last-modified') ?? '';
    expect(etag).toMatch(/^"[0-9a-f]{40}"$/);
    const byTag = await get('/docs/guide', { headers: { 'if-none-match': etag } });
    expect(byTag.status).toBe(304);
    expect(await byTag.text()).toBe('');
    expect((await get('/docs/guide', { headers: { 'if-modified-since': lastModified } })).status).toBe(304);
    site.setPage('/docs/guide', '<html><body><p>Rewritten guide.</p></body></html>');
    const changed = await get('/docs/guide', { headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(Date.parse(changed.headers.get('last-modified') ?? '')).toBeGreaterThan(Date.parse(lastModified));
    expect((await get('/docs/guide', { headers: { 'if-modified-since': lastModified } })).status).toBe(200);
    expect(await changed.text()).toContain('Rewritten guide.');
  });

  it('removes and restores pages', async () => {
    const etag = (await get('/gone')).headers.get('etag');
    site.removePage('/gone', 410);
    expect((await get('/gone')).status).toBe(410);
    site.removePage('/gone', 404);
    expect((await get('/gone')).status).toBe(404);
    site.restorePage('/gone');
    const back = await get('/gone');
    expect(back.status).toBe(200);
    expect(back.headers.get('etag')).toBe(etag);
  });

  it('redirects in a loop, and moves the guide permanently', async () => {
    const a = await get('/redirect-loop/a');
    expect(a.status).toBe(302);
    expect(a.headers.get('location')).toBe('/redirect-loop/b');
    const b = await get('/redirect-loop/b');
    expect(b.status).toBe(302);
    expect(b.headers.get('location')).toBe('/redirect-loop/a');
    const moved = await get('/moved');
    expect(moved.status).toBe(301);
    expect(moved.headers.get('location')).toBe(site.url('/docs/guide'));
  });

  it('streams the huge page with a Content-Length, chunked on /huge-chunked, without building it', async () => {
    const before = process.memoryUsage().arrayBuffers;
    for (const [path, length] of [
      ['/huge', String(hugeBytes)],
      ['/huge-chunked', null],
    ] as const) {
      const controller = new AbortController();
      const response = await get(path, { signal: controller.signal });
      expect(response.headers.get('content-length')).toBe(length);
      const reader = response.body?.getReader();
      const first = await reader?.read();
      expect(new TextDecoder().decode(first?.value)).toContain(crawlSiteWords.huge);
      controller.abort();
      await reader?.cancel().catch(() => undefined);
    }
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(20_000_000);
  });

  it('sends its whole announced length on /huge', async () => {
    // node:http rather than fetch: web streams would spend most of a second on 50 MB.
    const { total, last } = await new Promise<{ total: number; last: string }>((resolve, reject) => {
      httpGet(site.url('/huge'), (response) => {
        let total = 0;
        let last = '';
        response.on('data', (chunk: Buffer) => {
          total += chunk.length;
          last = chunk.toString('latin1');
        });
        response.on('end', () => resolve({ total, last }));
        response.on('error', reject);
      }).on('error', reject);
    });
    expect(total).toBe(hugeBytes);
    expect(last).toMatch(/<\/html>\n$/);
  });

  it('serves Latin-1 bytes, declared by header on /latin1 and by meta on /latin1-meta', async () => {
    const latin1 = await get('/latin1');
    expect(latin1.headers.get('content-type')).toBe('text/html; charset=iso-8859-1');
    const bytes = new Uint8Array(await latin1.arrayBuffer());
    expect(bytes).toContain(0xe9);
    expect(() => new TextDecoder('utf-8', { fatal: true }).decode(bytes)).toThrow();
    expect(new TextDecoder('windows-1252').decode(bytes)).toContain('Café crème déjà vu: the naïve façade');
    const meta = await get('/latin1-meta');
    expect(meta.headers.get('content-type')).toBe('text/html');
    expect(new TextDecoder('windows-1252').decode(await meta.arrayBuffer())).toContain(
      '<meta charset="windows-1252">',
    );
  });

  it('keeps script-built words and broken-page bytes as they should be', async () => {
    const shell = await (await get('/js-rendered')).text();
    expect(shell).toContain('<div id="app"></div>');
    expect(shell).not.toContain(crawlSiteWords.jsRendered);
    expect(shell).not.toContain('/js-only');
    const broken = Buffer.from(await (await get('/broken-html')).arrayBuffer());
    expect(broken.toString('latin1')).toContain(crawlSiteWords.broken);
    expect(broken.includes(Buffer.from([0xff, 0xfe, 0x00]))).toBe(true);
    expect((await get('/not-html.json')).headers.get('content-type')).toBe('application/json');
    const pdf = Buffer.from(await (await get('/files/manual.pdf')).arrayBuffer()).toString('latin1');
    expect(pdf).toMatch(/^%PDF-1\.4\n[\s\S]*%%EOF\n$/);
  });

  it('rate-limits forever, fails the flaky page once, and injects failures on request', async () => {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const limited = await get('/rate-limited');
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('1');
    }
    const failed = await get('/server-error-once');
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('0');
    expect(await (await get('/server-error-once')).text()).toContain(crawlSiteWords.serverErrorOnce);
    site.failNext('/docs/api', 500, 1);
    expect((await get('/docs/api')).status).toBe(500);
    expect((await get('/docs/api')).status).toBe(200);
  });

  it('links calendar months endlessly', async () => {
    const html = await (await get('/calendar?month=2026-01')).text();
    expect(hrefs(html)).toEqual(
      expect.arrayContaining(['/calendar?month=2025-12', '/calendar?month=2026-02']),
    );
    expect((await get('/calendar?month=2026-13')).status).toBe(404);
  });

  it('logs requests with lowercased headers', async () => {
    await get('/docs/intro?utm_source=x', { headers: { 'User-Agent': 'QuarryBot/0.1' } });
    await get('/docs/intro');
    expect(site.countFor('/docs/intro?utm_source=x')).toBe(1);
    expect(site.countFor('/docs/intro')).toBe(1);
    expect(site.requests[0]).toMatchObject({ method: 'GET', headers: { 'user-agent': 'QuarryBot/0.1' } });
    expect(site.requests[0]?.at).toBeGreaterThan(0);
    site.clearRequests();
    expect(site.requests).toEqual([]);
  });

  it('answers /slow late, and closes at once while it waits', async () => {
    site.slowMs = 30;
    expect(await (await get('/slow')).text()).toContain(crawlSiteWords.slow);
    site.slowMs = 10_000;
    const pending = get('/slow').catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const started = Date.now();
    await site.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error);
    site = await startCrawlSite();
  });
});

describe('generated site', () => {
  it('reaches all of its 50 pages within three links of /, each with its own word and ETag', async () => {
    const generated = await startGeneratedSite({ pages: 50 });
    try {
      const depths = new Map<string, number>([['/', 0]]);
      const queue = ['/'];
      let etag = '';
      for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
        const response = await fetch(`${generated.origin}${path}`);
        etag ||= response.headers.get('etag') ?? '';
        const html = await response.text();
        const index = generated.paths.indexOf(path);
        expect(html).toContain(generatedPageWord(index));
        expect(html.length).toBeGreaterThan(3500);
        for (const link of hrefs(html).filter((href) => href.startsWith('/'))) {
          if (depths.has(link)) continue;
          depths.set(link, (depths.get(path) ?? 0) + 1);
          queue.push(link);
        }
      }
      expect([...depths.keys()].sort()).toEqual([...generated.paths].sort());
      expect(Math.max(...depths.values())).toBeLessThanOrEqual(3);
      expect((await fetch(`${generated.origin}/`, { headers: { 'if-none-match': etag } })).status).toBe(304);
      expect((await fetch(`${generated.origin}/robots.txt`)).status).toBe(404);
      expect((await fetch(`${generated.origin}/sitemap.xml`)).status).toBe(404);
      expect(generated.requestCount()).toBe(53);
    } finally {
      await generated.close();
    }
  });

  it('serves robots.txt and a sitemap of every page only when asked', async () => {
    const generated = await startGeneratedSite({ pages: 3, sitemap: true });
    try {
      const robots = await (await fetch(`${generated.origin}/robots.txt`)).text();
      expect(robots).toContain(`Sitemap: ${generated.origin}/sitemap.xml`);
      const sitemap = await (await fetch(`${generated.origin}/sitemap.xml`)).text();
      expect(sitemap.match(/<loc>/g)).toHaveLength(3);
      expect((await fetch(`${generated.origin}/page/${generatedPageWord(3)}`)).status).toBe(404);
    } finally {
      await generated.close();
    }
  });
});
