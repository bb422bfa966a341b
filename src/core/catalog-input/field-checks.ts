import { ValidationError } from '../errors/index.ts';

// The checks on single fields that several catalog records share. Each names the field through `what`
// ("The URL of crawl page 2 of the batch"), so the message says which value of which record to fix.

/** Returns `value` when it is a non-empty string; throws `ValidationError` saying `what` it is otherwise. */
export function checkNonEmptyText(value: unknown, what: string): string {
  if (typeof value === 'string' && value !== '') return value;
  throw new ValidationError(`${what} must be a non-empty string.`);
}

/** Returns `value` when it is a string or `null`; throws `ValidationError` otherwise. */
export function checkOptionalText(value: unknown, what: string): string | null {
  if (value === null || typeof value === 'string') return value;
  throw new ValidationError(`${what} must be a string or null.`);
}

/**
 * Returns `value` when it is a non-empty string. Crawl times are stored as given rather than normalised
 * like account times: the crawler writes them with `toISOString()` and only ever reads them back.
 */
export function checkTimeText(value: unknown, what: string): string {
  if (typeof value === 'string' && value !== '') return value;
  throw new ValidationError(`${what} must be an ISO 8601 string.`);
}

/** Returns a copy of `value` when it is an array of non-empty strings, so later changes cannot reach it. */
export function checkUrls(value: unknown, what: string): string[] {
  if (Array.isArray(value) && value.every((url) => typeof url === 'string' && url !== '')) {
    return [...(value as string[])];
  }
  throw new ValidationError(`${what} must be an array of non-empty strings.`);
}

/** Returns `value` when it is absent or a whole number of 0 or more; throws `ValidationError` otherwise. */
export function checkCount(what: string, value: number | undefined, hint: string): number | undefined {
  if (value === undefined || (Number.isSafeInteger(value) && value >= 0)) return value;
  throw new ValidationError(`The ${what} must be a whole number of 0 or more, got ${value}.`, { hint });
}
