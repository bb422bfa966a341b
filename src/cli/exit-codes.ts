import { NotFoundError, QuarryError, UnsafeInputError, ValidationError } from '../core/errors/index.ts';

/** Process exit codes: documented in the README. */
export const exitCodes = { ok: 0, someWorkFailed: 1, usage: 2 } as const;

/** Errors about what the user typed or configured exit with 2; everything else with 1. */
export function exitCodeFor(error: unknown): number {
  if (
    error instanceof ValidationError ||
    error instanceof NotFoundError ||
    error instanceof UnsafeInputError
  ) {
    return exitCodes.usage;
  }
  if (QuarryError.is(error) && (error.code === 'validation' || error.code === 'not_found'))
    return exitCodes.usage;
  return exitCodes.someWorkFailed;
}
