import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { type CrawlHarness, startCrawlHarness } from './support/crawl-harness.ts';
import { crawlSiteWords as words } from './support/crawl-site.ts';

/** `--render` drives the system Chromium (CI installs it; the lookup is the crawler's default one). */
const chromiumMissing = !existsSync('/usr/bin/chromium');

let harness: CrawlHarness | undefined;

afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

describe.skipIf(chromiumMissing)('quarry crawl --render', () => {
  it('indexes what JavaScript builds and follows links that exist only in the rendered page', async () => {
    const h = await startCrawlHarness({
      crawl: { allowPrivateNetworks: true, retries: 1, maxRetryAfterSeconds: 0, pageTimeoutSeconds: 20 },
    });
    harness = h;
    const { site } = h;
    const scope = { include: ['/js-rendered', '/js-only'], depth: 1 };

    // Without rendering, the page is an empty app shell and the script-built link is never seen.
    const plain = await h.crawl({ urls: [site.url('/js-rendered')], ...scope });
    expect(plain).toMatchObject({ new: 1, failed: { total: 0 } });
    expect(await h.search(words.jsRendered)).toEqual([]);
    expect(site.countFor('/js-only')).toBe(0);

    const rendered = await h.crawl({ urls: [site.url('/js-rendered')], ...scope, render: true });
    expect(rendered.failed).toMatchObject({ total: 0 });
    expect(rendered.updated).toBe(1);
    expect(rendered.new).toBe(1);
    const hits = await h.search(words.jsRendered);
    expect(hits.map((hit) => hit.url)).toEqual([site.url('/js-rendered')]);
    expect(hits[0]?.text).toContain('hydrated-quokka proves it');
    expect(site.countFor('/js-only')).toBe(1);
    expect((await h.search(words.jsOnly)).map((hit) => hit.url)).toEqual([site.url('/js-only')]);
    const page = await h.services.catalog.getCrawlPage(h.source, site.url('/js-rendered'));
    expect(page?.outLinks).toContain(site.url('/js-only'));
  });
});
