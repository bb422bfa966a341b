// Child process of the crawl benchmark: crawls a local site once with one crawler and prints pages,
// duration and peak memory as JSON on the last line. `baseline` is a bare Crawlee CheerioCrawler that only
// follows links; `quarry` is Quarry's crawler with everything it does per page (guarded HTTP, robots and
// sitemap discovery, Readability extraction, sections, SQLite writes, catalog records); `quarry-again`
// crawls the same site a second time in the same home (the incremental re-crawl).
import { CheerioCrawler, Configuration, Log, LogLevel } from '@crawlee/cheerio';
import { openQuarry } from '../src/app/open-quarry.ts';
import { crawlSite } from '../src/crawl/crawl-site.ts';

const [variant, origin, pagesText, concurrencyText] = process.argv.slice(2);
const pages = Number(pagesText);
const concurrency = Number(concurrencyText);

async function baseline(): Promise<number> {
  let crawled = 0;
  const crawler = new CheerioCrawler(
    {
      maxConcurrency: concurrency,
      minConcurrency: concurrency,
      maxRequestsPerCrawl: pages + 10,
      log: new Log({ level: LogLevel.OFF }),
      requestHandler: async ({ enqueueLinks }) => {
        crawled += 1;
        await enqueueLinks({ strategy: 'same-hostname' });
      },
    },
    new Configuration({ persistStorage: false }),
  );
  await crawler.run([`${origin}/`]);
  return crawled;
}

async function quarry(): Promise<number> {
  const services = await openQuarry({
    cwd: process.cwd(),
    environment: process.env,
    flags: { logLevel: 'warn' },
    logFormat: 'human',
    write: (line) => process.stderr.write(line),
  });
  try {
    const summary = await crawlSite(await services.crawlDependencies(), {
      urls: [`${origin}/`],
      depth: 10,
      maxPages: pages + 10,
      include: [],
      exclude: [],
      render: false,
      concurrency,
      allowPrivateNetworks: true,
    });
    if (summary.failed.total > 0) console.error(JSON.stringify(summary.failed));
    // Each page once: a 304 counts as fetched and as unchanged.
    return summary.new + summary.updated + summary.unchanged;
  } finally {
    await services.close();
  }
}

const started = performance.now();
const crawled = variant === 'baseline' ? await baseline() : await quarry();
const durationMs = performance.now() - started;
console.log(
  JSON.stringify({ variant, crawled, durationMs, maxRssBytes: process.resourceUsage().maxRSS * 1024 }),
);
