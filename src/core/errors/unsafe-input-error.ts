import { QuarryError, type QuarryErrorOptions } from './quarry-error.ts';

/** Input that would be dangerous to act on, e.g. an archive entry that escapes its folder. */
export class UnsafeInputError extends QuarryError {
  constructor(message: string, options: QuarryErrorOptions = {}) {
    super('unsafe_input', message, options);
    this.name = 'UnsafeInputError';
  }
}
