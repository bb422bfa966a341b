import { RetryableError, UpstreamError } from '../core/errors/index.ts';
import type { CrawlFrontier, QueuedPage } from './crawl-frontier.ts';
import type { CrawlTally } from './crawl-tally.ts';
import type { CrawlFailureReason, CrawlSkipReason } from './crawl-types.ts';
import type { HostGate } from './host-gate.ts';
import { isBlockedError } from './network-guard.ts';
import { PageFailed, PageSkipped, retryableStatuses } from './page-errors.ts';
import type { PageHandler } from './page-handler.ts';
import { retryDelayMs } from './retry-after.ts';

/** How a runner fetches: the user's politeness settings and the crawl's limits. */
export interface RunnerSettings {
  concurrency: number;
  retries: number;
  /** Wait between two requests to one host (robots.txt `Crawl-delay` or `crawl.delayMs`). */
  delaySeconds: number;
  pageTimeoutSeconds: number;
  maxRetryAfterSeconds: number;
  /** First backoff wait when the site gives no `Retry-After` (doubles each retry). */
  retryBaseDelayMs: number;
}

/** What a runner (static or rendering) is built from. */
export interface PageRunnerOptions {
  handler: PageHandler;
  frontier: CrawlFrontier;
  gate: HostGate;
  tally: CrawlTally;
  settings: RunnerSettings;
  clock: () => Date;
  signal?: AbortSignal;
  /** Removes secrets from error text that reaches the summary. */
  redact: (text: string) => string;
}

/** A crawler engine: pages are added, then run until the queue is empty (or it is stopped). */
export interface PageRunner {
  add(pages: QueuedPage[]): Promise<void>;
  run(): Promise<void>;
  stop(): void;
}

/** The part of a Crawlee crawler a runner drives. */
interface CrawleeCrawler {
  addRequests(
    requests: Array<{ url: string; uniqueKey: string; userData: { depth: number } }>,
  ): Promise<unknown>;
  run(): Promise<unknown>;
  autoscaledPool?: { pause(timeoutSecs?: number): Promise<void>; abort(): Promise<void> | void } | undefined;
}

/** A runner over a Crawlee crawler: pages keyed by their normalised URL, their depth in `userData`. */
export function crawleeRunner(crawler: CrawleeCrawler): PageRunner {
  return {
    add: async (pages) => {
      await crawler.addRequests(
        pages.map((page) => ({ url: page.url, uniqueKey: page.url, userData: { depth: page.depth } })),
      );
    },
    run: async () => {
      await crawler.run();
    },
    stop: () => {
      const pool = crawler.autoscaledPool;
      // Pages in flight finish (or get 30 s) before the crawl ends: what comes after (flushing the
      // writer, closing the index) must not run under handlers still writing.
      void pool
        ?.pause(30)
        .catch(() => {})
        .finally(() => pool.abort());
    },
  };
}

/** The parts of a Crawlee request the handlers touch. */
interface RequestLike {
  url: string;
  retryCount: number;
  noRetry: boolean;
}

/**
 * What a status means: `ok` (a page to read), `not-modified` (304), `gone` (404/410). Retryable
 * statuses pause the host for `Retry-After` (or a growing backoff) and throw a retryable
 * {@link PageFailed}; a wait longer than `crawl.maxRetryAfterSeconds`, and every other error status,
 * throws one that is not retried.
 */
export function statusOutcome(
  request: RequestLike,
  status: number,
  headers: Record<string, string | string[] | undefined>,
  options: PageRunnerOptions,
): 'ok' | 'not-modified' | 'gone' {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 304) return 'not-modified';
  if (status === 404 || status === 410) return 'gone';
  const reason: CrawlFailureReason = status === 429 ? 'rate-limited' : 'http-error';
  if (!retryableStatuses.has(status)) throw new PageFailed(reason, `HTTP ${status}`, false);
  const retryAfter = headers['retry-after'];
  const waitMs = retryDelayMs({
    retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
    attempt: request.retryCount,
    baseDelayMs: options.settings.retryBaseDelayMs,
    now: options.clock(),
  });
  const limitMs = options.settings.maxRetryAfterSeconds * 1000;
  if (waitMs > limitMs) {
    throw new PageFailed(
      reason,
      `HTTP ${status}: the site asks to wait ${Math.ceil(waitMs / 1000)} s, more than crawl.maxRetryAfterSeconds (${options.settings.maxRetryAfterSeconds} s)`,
      false,
    );
  }
  options.gate.pause(new URL(request.url).host, waitMs);
  throw new PageFailed(reason, `HTTP ${status}`, true);
}

/** Crawlee's `errorHandler`: a failure that is not worth retrying is not retried. */
export function handleRetry(request: RequestLike, error: Error, _options: PageRunnerOptions): void {
  if (!classifyError(error).retryable) request.noRetry = true;
}

/** Crawlee's `failedRequestHandler`: counts the page as skipped or failed, with the reason. */
export function handleFailure(request: RequestLike, error: Error, options: PageRunnerOptions): void {
  const verdict = classifyError(error);
  const detail = options.redact(verdict.detail);
  if (verdict.kind === 'skip') {
    options.tally.skip(request.url, verdict.reason, detail);
    return;
  }
  const tries = request.retryCount > 0 ? ` (after ${request.retryCount} retries)` : '';
  options.tally.fail(request.url, verdict.reason, `${detail}${tries}`);
}

type Verdict =
  | { kind: 'skip'; reason: CrawlSkipReason; detail: string; retryable: false }
  | { kind: 'fail'; reason: CrawlFailureReason; detail: string; retryable: boolean };

/** Network errors that a later try may not meet. */
const transientCodes = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EPIPE',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
]);

/** Sorts any error a page can end with into a skip or a failure reason. */
export function classifyError(error: unknown): Verdict {
  if (error instanceof PageSkipped) {
    return { kind: 'skip', reason: error.reason, detail: error.detail, retryable: false };
  }
  if (error instanceof PageFailed) {
    return { kind: 'fail', reason: error.reason, detail: error.detail, retryable: error.retryable };
  }
  const message = messageOf(error);
  if (isBlockedError(error) || message.includes('ERR_BLOCKED_BY_CLIENT')) {
    return { kind: 'fail', reason: 'private-network', detail: message, retryable: false };
  }
  if (error instanceof RetryableError)
    return { kind: 'fail', reason: 'network', detail: message, retryable: true };
  if (error instanceof UpstreamError)
    return { kind: 'fail', reason: 'network', detail: message, retryable: false };
  // Our handler ran out of time (a slow page to parse or embed): fetching it again would do the same.
  if (/^requestHandler timed out/.test(message)) {
    return { kind: 'fail', reason: 'timeout', detail: message, retryable: false };
  }
  // Crawlee's and Playwright's navigation deadlines.
  if (/^(request|Navigation) timed out|^Timeout \d+ms exceeded/i.test(message)) {
    return { kind: 'fail', reason: 'timeout', detail: message, retryable: true };
  }
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && transientCodes.has(code)) {
    return { kind: 'fail', reason: 'network', detail: message, retryable: true };
  }
  return { kind: 'fail', reason: 'unreadable', detail: message, retryable: false };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
