import { ValidationError } from '../core/errors/index.ts';

/** What `retryDelayMs` needs to know about a failed request. */
export interface RetryDelayOptions {
  /** The response's `Retry-After` header, if any. */
  retryAfter: string | undefined;
  /** How many retries came before this one (0 for the first retry). */
  attempt: number;
  baseDelayMs: number;
  now: Date;
  /** A number in [0, 1); `Math.random` when absent (tests pass their own). */
  random?: () => number;
}

/** Beyond this the backoff would be longer than any crawl; keeps `2 ** attempt` finite. */
const maxBackoffExponent = 30;

/**
 * How long to wait before retrying a request: the server's `Retry-After` when it is valid (callers
 * decide whether a long wait is worth it), else exponential backoff, `baseDelayMs * 2 ** attempt`,
 * with jitter between 50% and 100% of that so that parallel workers do not retry in step. Throws a
 * `ValidationError` for a negative or fractional attempt or a negative base delay.
 */
export function retryDelayMs(options: RetryDelayOptions): number {
  const { attempt, baseDelayMs } = options;
  if (!Number.isInteger(attempt) || attempt < 0) {
    throw new ValidationError(`A retry attempt must be a whole number from 0; it is ${String(attempt)}.`);
  }
  if (!Number.isFinite(baseDelayMs) || baseDelayMs < 0) {
    throw new ValidationError(`A base retry delay must be 0 ms or more; it is ${String(baseDelayMs)}.`);
  }
  const serverDelay = parseRetryAfter(options.retryAfter, options.now);
  if (serverDelay !== undefined) return serverDelay;
  const backoff = baseDelayMs * 2 ** Math.min(attempt, maxBackoffExponent);
  const random = options.random ?? Math.random;
  return Math.round(backoff * (0.5 + 0.5 * random()));
}

/** `Sun, 06 Nov 1994 08:49:37 GMT` (IMF-fixdate) or `Sunday, 06-Nov-94 08:49:37 GMT` (RFC 850). */
const httpDateWithZone = /^[A-Za-z]{3,9}, \d{2}[ -][A-Za-z]{3}[ -]\d{2,4} \d{2}:\d{2}:\d{2} GMT$/;
/** `Sun Nov  6 08:49:37 1994` (asctime), which is in GMT without saying so. */
const asctimeDate = /^[A-Za-z]{3} [A-Za-z]{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

/**
 * The delay a `Retry-After` header asks for, in milliseconds: its delay-seconds, or the time until its
 * HTTP-date (0 for a date in the past). `undefined` when the header is missing or not one of those
 * forms (a negative or fractional number, free text), so the caller falls back to its own backoff.
 */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  const header = value?.trim() ?? '';
  if (/^\d+$/.test(header)) {
    const milliseconds = Number(header) * 1000;
    return Number.isFinite(milliseconds) ? milliseconds : undefined;
  }
  const date = parseHttpDate(header);
  return date === undefined ? undefined : Math.max(0, date.getTime() - now.getTime());
}

/** Only the three HTTP-date forms; `Date` alone would read `-5` as May 2001 in the local zone. */
function parseHttpDate(header: string): Date | undefined {
  let text: string;
  if (httpDateWithZone.test(header)) text = header;
  else if (asctimeDate.test(header)) text = `${header} GMT`;
  else return undefined;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
