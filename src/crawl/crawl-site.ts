import { type LockIdentity, takeCatalogLock } from '../core/catalog-lock.ts';
import type { QuarryConfig } from '../core/config.ts';
import { ValidationError } from '../core/errors/index.ts';
import type { Catalog } from '../core/ports/catalog.ts';
import type { PageWriter } from '../knowledge/page-writer.ts';
import { CrawlFrontier } from './crawl-frontier.ts';
import { CrawlTally } from './crawl-tally.ts';
import type { CrawlSiteSettings, CrawlSummary } from './crawl-types.ts';
import { fetchText } from './fetch-text.ts';
import { HostGate } from './host-gate.ts';
import { checkUrlTarget, parseHttpUrl } from './network-guard.ts';
import { normalizeUrl } from './normalize-url.ts';
import { PageHandler } from './page-handler.ts';
import { createPageHttpClient } from './page-http-client.ts';
import { PageRecords } from './page-records.ts';
import type { PageRunner, PageRunnerOptions, RunnerSettings } from './page-runner.ts';
import { discoverSite } from './site-discovery.ts';
import { staticPageRunner } from './static-crawl.ts';
import { createUrlPolicy } from './url-policy.ts';

/** Bytes of robots.txt, sitemap or llms.txt read at most. */
const maxSiteFileBytes = 10 * 1024 * 1024;

/** What a crawl writes to and is limited by; the composition root picks them. */
export interface CrawlDependencies {
  catalog: Catalog;
  openPageWriter: (source: string) => Promise<PageWriter>;
  settings: QuarryConfig['crawl'];
  clock: () => Date;
  /** Removes secrets from text that reaches the summary. */
  redact: (text: string) => string;
  /** First backoff wait without `Retry-After` (1 s; tests use less). */
  retryBaseDelayMs?: number;
  /** Marks the catalog lock that keeps two processes from crawling one site at once (none when absent). */
  lock?: LockIdentity;
}

/** Cancellation of a running crawl (what was crawled until then is kept). */
export interface CrawlRunOptions {
  signal?: AbortSignal;
}

/** The knowledge-base source a site's pages go to: `--source`, else the first start URL's host. */
export function crawlSourceName(site: Pick<CrawlSiteSettings, 'urls' | 'source'>): string {
  if (site.source) return site.source;
  const first = site.urls[0];
  if (first === undefined) throw new ValidationError('Name at least one URL to crawl.');
  return parseHttpUrl(first).host;
}

/**
 * Crawls one site into the knowledge base: robots.txt, sitemaps and llms.txt first, then the start
 * URLs and every page they link to within the limits, politely (per-host concurrency, Crawl-delay,
 * Retry-After) and incrementally (conditional GETs, content hashes, sitemap `lastmod`). Start URLs
 * that are not http(s) or point at a private network without the opt-in are refused before anything
 * is fetched. Pages written before a stop or a failure stay written.
 */
export async function crawlSite(
  dependencies: CrawlDependencies,
  site: CrawlSiteSettings,
  options: CrawlRunOptions = {},
): Promise<CrawlSummary> {
  const started = dependencies.clock();
  const { startUrls, source, allowPrivateNetworks } = await checkCrawlSite(site, dependencies.settings);
  const lock = dependencies.lock
    ? await takeCatalogLock(dependencies.catalog, `crawl:${source}`, dependencies.lock, {
        busy: `Site ${source} is being crawled`,
        hint: 'Wait for that crawl to finish (quarry serve re-crawls crawl.sites on its own), then run again.',
      })
    : undefined;
  try {
    return await crawlLocked(dependencies, site, {
      ...options,
      startUrls,
      source,
      allowPrivateNetworks,
      started,
    });
  } finally {
    await lock?.release();
  }
}

async function crawlLocked(
  dependencies: CrawlDependencies,
  site: CrawlSiteSettings,
  options: CrawlRunOptions & {
    startUrls: string[];
    source: string;
    allowPrivateNetworks: boolean;
    started: Date;
  },
): Promise<CrawlSummary> {
  const { settings } = dependencies;
  const { startUrls, source, allowPrivateNetworks, started } = options;
  // Playwright is loaded only for rendering crawls.
  const rendering = site.render ? await import('./rendered-crawl.ts') : undefined;
  const chromiumPath = rendering?.findChromium(settings.chromiumPath);
  const writer = await dependencies.openPageWriter(source);
  await dependencies.catalog.startCrawl({ name: source, startUrls }, started.toISOString());

  const tally = new CrawlTally(source, startUrls);
  const origins = startUrls.map((url) => new URL(url).origin);
  const discovery = await discoverSite(origins, {
    userAgent: settings.userAgent,
    fetch: (url) =>
      fetchText(url, {
        allowPrivateNetworks,
        userAgent: settings.userAgent,
        maxBytes: maxSiteFileBytes,
        timeoutMs: settings.pageTimeoutSeconds * 1000,
        ...(options.signal ? { signal: options.signal } : {}),
      }),
  });
  for (const note of discovery.notes) tally.warnOnce(note);
  const policy = createUrlPolicy({
    startUrls,
    include: site.include,
    exclude: site.exclude,
    maxPagesPerPattern: settings.maxPagesPerPattern,
  });
  const frontier = new CrawlFrontier({
    policy,
    robots: discovery.robots,
    maxDepth: site.depth,
    maxPages: site.maxPages,
    tally,
  });
  const records = new PageRecords(dependencies.catalog, source);
  let runner: PageRunner | undefined;
  const handler = new PageHandler({
    source,
    writer,
    records,
    frontier,
    policy,
    tally,
    clock: dependencies.clock,
    enqueue: async (pages) => runner?.add(pages),
  });
  const gate = new HostGate();
  const runnerOptions: PageRunnerOptions = {
    handler,
    frontier,
    gate,
    tally,
    settings: runnerSettings(site, settings, discovery.crawlDelaySeconds, dependencies.retryBaseDelayMs),
    clock: dependencies.clock,
    redact: dependencies.redact,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  runner =
    rendering && chromiumPath
      ? rendering.renderedPageRunner({
          ...runnerOptions,
          chromiumPath,
          allowPrivateNetworks,
          maxPageBytes: settings.maxPageBytes,
        })
      : staticPageRunner({
          ...runnerOptions,
          httpClient: createPageHttpClient({
            allowPrivateNetworks,
            userAgent: settings.userAgent,
            maxPageBytes: settings.maxPageBytes,
            timeoutMs: settings.pageTimeoutSeconds * 1000,
          }),
        });

  const stop = () => runner?.stop();
  options.signal?.addEventListener('abort', stop, { once: true });
  try {
    await seed(runner, frontier, handler, startUrls, discovery.seeds);
    if (!options.signal?.aborted) await runner.run();
  } finally {
    options.signal?.removeEventListener('abort', stop);
    await writer.flush();
    await records.flush();
  }
  const summary = tally.summary(
    dependencies.clock().getTime() - started.getTime(),
    options.signal?.aborted ?? false,
  );
  await dependencies.catalog.finishCrawl(source, dependencies.clock().toISOString(), { ...summary });
  return summary;
}

/** A site's start URLs (normalised and checked), its source name and whether it may reach private networks. */
export interface CheckedCrawlSite {
  startUrls: string[];
  source: string;
  allowPrivateNetworks: boolean;
}

/**
 * Checks a site before anything is opened or fetched: start URLs must be http(s) and, without the
 * opt-in, public (`ValidationError` / `UnsafeInputError` saying how to opt in).
 */
export async function checkCrawlSite(
  site: CrawlSiteSettings,
  settings: Pick<QuarryConfig['crawl'], 'allowPrivateNetworks'>,
): Promise<CheckedCrawlSite> {
  const allowPrivateNetworks = site.allowPrivateNetworks ?? settings.allowPrivateNetworks;
  const startUrls = await checkedStartUrls(site.urls, allowPrivateNetworks);
  return { startUrls, source: crawlSourceName({ ...site, urls: startUrls }), allowPrivateNetworks };
}

/** Normalised start URLs, each checked against the SSRF guard before anything is fetched. */
async function checkedStartUrls(urls: string[], allowPrivateNetworks: boolean): Promise<string[]> {
  if (urls.length === 0) throw new ValidationError('Name at least one URL to crawl.');
  const checked: string[] = [];
  for (const url of urls) {
    const parsed = parseHttpUrl(url);
    if (parsed.username || parsed.password) {
      throw new ValidationError('A start URL must not carry a user name or password.', {
        hint: 'Crawl public documentation without credentials; the crawler never sends them.',
      });
    }
    await checkUrlTarget(url, { allowPrivateNetworks });
    const normalised = normalizeUrl(url);
    if (normalised === undefined) throw new ValidationError(`${url} is not a URL that can be crawled.`);
    checked.push(normalised);
  }
  return [...new Set(checked)];
}

/** Start URLs at depth 0, then sitemap and llms.txt pages at depth 1 (those unchanged since their last fetch are not requested). */
async function seed(
  runner: PageRunner,
  frontier: CrawlFrontier,
  handler: PageHandler,
  startUrls: string[],
  seeds: Awaited<ReturnType<typeof discoverSite>>['seeds'],
): Promise<void> {
  const first = startUrls.flatMap((url) => frontier.admit(url, 0) ?? []);
  if (first.length > 0) await runner.add(first);
  // Every seed is admitted before any is looked at: an unchanged seed's stored links must not take the
  // place (and the lastmod check) of seeds further down the list.
  const admitted = seeds.flatMap((page) => {
    const url = normalizeUrl(page.url);
    const queued = url === undefined ? undefined : frontier.admit(url, 1);
    return queued ? [{ ...queued, lastModified: page.lastModified }] : [];
  });
  const later = [];
  for (const page of admitted) {
    if (page.lastModified && (await handler.unchangedSince(page.url, 1, page.lastModified))) continue;
    later.push({ url: page.url, depth: page.depth });
  }
  if (later.length > 0) await runner.add(later);
}

function runnerSettings(
  site: CrawlSiteSettings,
  settings: QuarryConfig['crawl'],
  crawlDelaySeconds: number | undefined,
  retryBaseDelayMs = 1000,
): RunnerSettings {
  return {
    concurrency: site.concurrency,
    retries: settings.retries,
    delaySeconds: Math.max(crawlDelaySeconds ?? 0, settings.delayMs / 1000),
    pageTimeoutSeconds: settings.pageTimeoutSeconds,
    maxRetryAfterSeconds: settings.maxRetryAfterSeconds,
    retryBaseDelayMs,
  };
}
