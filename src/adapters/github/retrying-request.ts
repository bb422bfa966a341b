import { RetryableError } from '../../core/errors/index.ts';
import type { Logger } from '../../core/ports/logger.ts';
import {
  type GitHubRequestError,
  type GitHubSite,
  isAbort,
  isGitHubRequestError,
  scrubToken,
} from './github-errors.ts';

/** How requests to GitHub are retried; every wait goes through `sleep` so tests never really wait. */
export interface RetryPolicy {
  /** Retries after a server error or network failure (so `retries + 1` attempts in all). */
  retries: number;
  /** Longest rate-limit wait worth sitting out; a longer one fails at once with `RetryableError`. */
  maxRateLimitWaitSeconds: number;
  /** Waits; receives the request's signal so the default can stop early (an injected one may ignore it). */
  sleep: (milliseconds: number, signal?: AbortSignal) => Promise<void>;
  now: () => number;
  logger: Logger;
  site: GitHubSite;
  /** First backoff delay after a failure; it doubles on each further retry. Default 1000. */
  backoffMilliseconds?: number;
}

/** The parts of Octokit's request options this wrapper reads. */
interface RequestOptions {
  method?: string;
  url?: string;
  request?: { signal?: AbortSignal | undefined };
}

type SendRequest<Options, Result> = (options: Options) => Result | Promise<Result>;

// GitHub's limits reset on the hour, so a third wait would only mean the clock or the server is off.
const maxRateLimitWaits = 2;
// GitHub asks for at least a minute after a secondary rate limit that names no time.
const secondaryLimitWaitMilliseconds = 60_000;

/**
 * An Octokit `request` hook (`octokit.hook.wrap('request', …)`) that waits out rate limits up to the
 * policy's bound and retries server errors and network failures with exponential backoff. What it gives
 * up on becomes a `RetryableError`; other errors (304, 401, 404, …) pass through for the caller to map.
 */
export function createRetryingRequest(policy: RetryPolicy) {
  return async function retryingRequest<Options extends RequestOptions, Result>(
    send: SendRequest<Options, Result>,
    options: Options,
  ): Promise<Result> {
    const signal = options.request?.signal;
    const attempts = { failures: 0, rateLimitWaits: 0 };
    for (;;) {
      signal?.throwIfAborted();
      try {
        return await send(options);
      } catch (error) {
        if (isAbort(error, signal)) throw error;
        const waitMilliseconds = nextWait(error, attempts, policy);
        policy.logger.warn(
          {
            host: policy.site.host,
            request: `${options.method ?? 'GET'} ${options.url ?? ''}`,
            waitMilliseconds,
          },
          `GitHub request failed (${describeFailure(error)}); retrying after the wait`,
        );
        await sleepUnlessAborted(policy, waitMilliseconds, signal);
      }
    }
  };
}

/** Sleeps, but gives up as soon as the request is cancelled (also when the injected sleep ignores it). */
async function sleepUnlessAborted(
  policy: RetryPolicy,
  milliseconds: number,
  signal: AbortSignal | undefined,
) {
  if (!signal) return policy.sleep(milliseconds);
  let onAbort = () => {};
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([policy.sleep(milliseconds, signal), aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** How long to wait before the next attempt; throws when the error is final or retries are used up. */
function nextWait(
  error: unknown,
  attempts: { failures: number; rateLimitWaits: number },
  policy: RetryPolicy,
): number {
  const now = policy.now();
  const rateLimitWait = rateLimitWaitMilliseconds(error, now);
  if (rateLimitWait !== null) {
    if (
      rateLimitWait > policy.maxRateLimitWaitSeconds * 1000 ||
      attempts.rateLimitWaits >= maxRateLimitWaits
    ) {
      throw rateLimitError(rateLimitWait, now, policy.site, error);
    }
    attempts.rateLimitWaits += 1;
    return rateLimitWait;
  }
  if (!isGitHubRequestError(error) || !isTransient(error)) throw error;
  if (attempts.failures >= policy.retries) throw exhaustedError(error, attempts.failures + 1, policy.site);
  const backoff = (policy.backoffMilliseconds ?? 1000) * 2 ** attempts.failures;
  attempts.failures += 1;
  return backoff;
}

/**
 * How long GitHub asked us to wait when `error` is a rate limit (primary: `x-ratelimit-remaining: 0` until
 * `x-ratelimit-reset`; secondary: `retry-after`, or a minute when it names no time), else `null`.
 */
export function rateLimitWaitMilliseconds(error: unknown, now: number): number | null {
  if (!isGitHubRequestError(error) || !error.response || (error.status !== 403 && error.status !== 429))
    return null;
  const headers = error.response.headers;
  const retryAfter = headers['retry-after'];
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    const milliseconds = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(String(retryAfter)) - now;
    if (Number.isFinite(milliseconds)) return Math.max(milliseconds, 0);
  }
  const reset = Number(headers['x-ratelimit-reset']);
  if (String(headers['x-ratelimit-remaining']) === '0' && Number.isFinite(reset)) {
    // One second past the reset, because GitHub's reset time is rounded down to the second.
    return Math.max(reset * 1000 - now + 1000, 0);
  }
  if (error.status === 429 || /secondary rate limit/i.test(error.message))
    return secondaryLimitWaitMilliseconds;
  return null;
}

function isTransient(error: GitHubRequestError): boolean {
  // Octokit reports a network failure as status 500 without a response.
  return error.response === undefined || error.status >= 500;
}

function describeFailure(error: unknown): string {
  if (!isGitHubRequestError(error)) return 'unknown error';
  return error.response ? `HTTP ${error.status}` : 'network failure';
}

function rateLimitError(
  waitMilliseconds: number,
  now: number,
  site: GitHubSite,
  cause: unknown,
): RetryableError {
  const resetsAt = new Date(now + waitMilliseconds).toISOString();
  const hint = site.token
    ? `Try again after ${resetsAt}, or raise github.maxRateLimitWaitSeconds to wait it out.`
    : `Set GITHUB_TOKEN for a higher limit, or try again after ${resetsAt}.`;
  return new RetryableError(`GitHub rate limit reached for ${site.host}; it resets at ${resetsAt}.`, {
    cause,
    hint,
    retryAfterMs: waitMilliseconds,
  });
}

function exhaustedError(error: GitHubRequestError, attempts: number, site: GitHubSite): RetryableError {
  if (!error.response) {
    const reason = scrubToken(error.message, site).replace(/\.$/, '');
    return new RetryableError(
      `Could not reach GitHub at ${site.host} after ${attempts} attempts: ${reason}.`,
      {
        cause: error,
        hint: 'Check the network connection (and proxy settings), then try again.',
      },
    );
  }
  return new RetryableError(
    `GitHub (${site.host}) kept failing with ${error.status} after ${attempts} attempts.`,
    {
      cause: error,
      hint: 'GitHub may be having problems; try again later (see https://www.githubstatus.com).',
    },
  );
}
