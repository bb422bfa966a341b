import type { CrawlFailureReason, CrawlSkipReason } from './crawl-types.ts';

/** A page deliberately left out (not HTML, too large, a duplicate): never retried. */
export class PageSkipped extends Error {
  constructor(
    readonly reason: CrawlSkipReason,
    readonly detail: string,
  ) {
    super(detail);
    this.name = 'PageSkipped';
  }
}

/** A page that could not be crawled; `retryable` ones are tried again after a wait. */
export class PageFailed extends Error {
  constructor(
    readonly reason: CrawlFailureReason,
    readonly detail: string,
    readonly retryable: boolean,
  ) {
    super(detail);
    this.name = 'PageFailed';
  }
}

/** HTTP statuses worth another try after a wait (RFC 9110 plus 403, which CDNs use for throttling). */
export const retryableStatuses: ReadonlySet<number> = new Set([403, 408, 425, 429, 500, 502, 503, 504]);
