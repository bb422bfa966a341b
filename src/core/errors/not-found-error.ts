import { QuarryError, type QuarryErrorOptions } from './quarry-error.ts';

/** A named thing (repository, object, release, tag) does not exist. */
export class NotFoundError extends QuarryError {
  constructor(message: string, options: QuarryErrorOptions = {}) {
    super('not_found', message, options);
    this.name = 'NotFoundError';
  }
}
