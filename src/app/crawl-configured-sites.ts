import { describeUrlSafely } from '../core/safe-url.ts';
import type { Services } from './create-services.ts';

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
