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
    running = crawlAll(services, controller.signal)
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

async function crawlAll(services: Services, signal: AbortSignal): Promise<void> {
  const { crawlSite } = await import('../crawl/crawl-site.ts');
  const dependencies = await services.crawlDependencies();
  for (const site of services.config.crawl.sites) {
    if (signal.aborted) return;
    try {
      const summary = await crawlSite(dependencies, site, { signal });
      const { skipped, failed, startUrls: _startUrls, ...counts } = summary;
      services.logger.info(
        { ...counts, skipped: skipped.reasons, failed: failed.reasons },
        `crawled ${summary.source}`,
      );
    } catch (error) {
      services.logger.error({ err: error, urls: site.urls.map(describeUrlSafely) }, 'scheduled crawl failed');
    }
  }
  if (!signal.aborted) await (await services.knowledge()).fillVectors({ signal }).catch(() => 0);
}
