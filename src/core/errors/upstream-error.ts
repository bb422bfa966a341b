import { QuarryError, type QuarryErrorOptions } from './quarry-error.ts';

/** A remote service (GitHub, S3, a webhook) answered with an error that retrying will not fix. */
export class UpstreamError extends QuarryError {
  constructor(message: string, options: QuarryErrorOptions = {}) {
    super('upstream', message, options);
    this.name = 'UpstreamError';
  }
}
