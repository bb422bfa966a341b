import { QuarryError, type QuarryErrorOptions } from './quarry-error.ts';

/** The operation clashes with current state, e.g. a repository already added or locked by another process. */
export class ConflictError extends QuarryError {
  constructor(message: string, options: QuarryErrorOptions = {}) {
    super('conflict', message, options);
    this.name = 'ConflictError';
  }
}
