import { QuarryError, type QuarryErrorOptions } from './quarry-error.ts';

/** A transient failure (network, 5xx, rate limit) that may succeed if tried again later. */
export class RetryableError extends QuarryError {
  /** How long the remote side asked us to wait, when it said so. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, options: QuarryErrorOptions & { retryAfterMs?: number } = {}) {
    super('retryable', message, options);
    this.name = 'RetryableError';
    this.retryAfterMs = options.retryAfterMs;
  }
}
