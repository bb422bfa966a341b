import { describeUrlSafely } from '../core/safe-url.ts';
import type { Services } from './create-services.ts';

/** A running crawl schedule; `close` stops the crawl in progress (keeping what it wrote) and the timer. */
export interface CrawlSchedule {
  close(): Promise<void>;
}

/**
 * Crawls the sites of `crawl.sites` right away and every `crawl.intervalMinutes`, one pass at a time (a
 * tick that finds a pass still running does nothing). Each site's summary is logged; a site that fails
 * does not keep the others from being crawled.
 */
export function startCrawlSchedule(services: Services): CrawlSchedule {
  const { sites, intervalMinutes } = services.config.crawl;
  if (sites.length === 0) return { close: async () => {} };
  const controller = new AbortController();
  let running: Promise<void> | undefined;
  const tick = () => {
    if (running || controller.signal.aborted) return;
    running = crawlConfiguredSites(services, controller.signal)
      .then(() => undefined)
      .catch((error: unknown) => services.logger.error({ err: error }, 'scheduled crawl failed'))
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, intervalMinutes * 60_000);
  setImmediate(tick);
  return {
    close: async () => {
      clearInterval(timer);
      controller.abort(new Error('The server is stopping.'));
      await running;
    },
  };
}

/** How one configured site's crawl went: its summary's counts, or why it failed. */
export type SiteCrawlOutcome =
  | { source: string; ok: true; counts: Record<string, unknown> }
  | { urls: string[]; ok: false; error: string };

/**
 * Crawls each site of `crawl.sites` once, in order (a site that fails does not keep the others from being
 * crawled), then embeds what is missing vectors. Each site's summary is logged and returned. Used by the
 * server's schedule and the scheduled crawl Lambda handler.
 */
export async function crawlConfiguredSites(
  services: Services,
  signal: AbortSignal,
): Promise<SiteCrawlOutcome[]> {
  const { crawlSite } = await import('../crawl/crawl-site.ts');
  const dependencies = await services.crawlDependencies();
  const outcomes: SiteCrawlOutcome[] = [];
  for (const site of services.config.crawl.sites) {
    if (signal.aborted) break;
    try {
      const summary = await crawlSite(dependencies, site, { signal });
      const { skipped, failed, startUrls: _startUrls, ...counts } = summary;
      services.logger.info(
        { ...counts, skipped: skipped.reasons, failed: failed.reasons },
        `crawled ${summary.source}`,
      );
      outcomes.push({ source: summary.source, ok: true, counts: { ...counts } });
    } catch (error) {
      const urls = site.urls.map(describeUrlSafely);
      services.logger.error({ err: error, urls }, 'scheduled crawl failed');
      outcomes.push({ urls, ok: false, error: services.redact((error as Error).message) });
    }
  }
  if (!signal.aborted) await (await services.knowledge()).fillVectors({ signal }).catch(() => 0);
  return outcomes;
}
