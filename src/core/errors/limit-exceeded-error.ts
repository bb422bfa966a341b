import { QuarryError, type QuarryErrorOptions } from './quarry-error.ts';

/** A configured safety limit (bytes, files, rate) was reached; the message names the limit and its setting. */
export class LimitExceededError extends QuarryError {
  /** The configuration key that sets the limit, e.g. `sync.maxFiles`. */
  readonly limit: string;

  constructor(limit: string, message: string, options: QuarryErrorOptions = {}) {
    super('limit_exceeded', message, options);
    this.name = 'LimitExceededError';
    this.limit = limit;
  }
}
