import { QuarryError } from '../../src/core/errors/index.ts';

/** Awaits a promise that must reject with a `QuarryError` and returns that error (anything else throws). */
export async function quarryRejection(promise: Promise<unknown>): Promise<QuarryError> {
  const error = await promise.then(
    () => new Error('expected a rejection'),
    (reason: unknown) => reason,
  );
  if (!QuarryError.is(error)) throw error;
  return error;
}
