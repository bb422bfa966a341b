/**
 * The scheduled crawl's AWS Lambda entry point: EventBridge Scheduler invokes it every
 * `crawl.intervalMinutes`, and it crawls the sites of `crawl.sites` incrementally into the knowledge base,
 * as `quarry serve`'s schedule does locally. It stops cleanly before the invocation's time runs out; the
 * next run picks up what changed.
 */
import { crawlConfiguredSites, type SiteCrawlOutcome } from '../app/crawl-configured-sites.ts';
import { processSources } from '../app/lambda-services.ts';
import {
  deadlineSignal,
  type LambdaInvocationContext,
  servicesPerContainer,
} from './shared/container-services.ts';

const services = servicesPerContainer(processSources);

/** What a scheduled crawl returns (visible in the Scheduler's and CloudWatch's records). */
export interface ScheduledCrawlResult {
  sites: SiteCrawlOutcome[];
  /** True when the invocation ran out of time before every site was crawled. */
  stoppedEarly: boolean;
}

/**
 * Crawls every configured site once. The event's content is not used (EventBridge Scheduler sends the
 * input it was given, `{}` by default); a site that fails is reported and the others go on.
 */
export async function handler(
  _event: unknown,
  context?: LambdaInvocationContext,
): Promise<ScheduledCrawlResult> {
  const signal = deadlineSignal(context);
  const sites = await crawlConfiguredSites(await services(), signal);
  return { sites, stoppedEarly: signal.aborted };
}
