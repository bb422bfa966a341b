import { QuarryError, type QuarryErrorOptions } from './quarry-error.ts';

/** Input or configuration that does not have the expected shape; the message names the field. */
export class ValidationError extends QuarryError {
  constructor(message: string, options: QuarryErrorOptions = {}) {
    super('validation', message, options);
    this.name = 'ValidationError';
  }
}
