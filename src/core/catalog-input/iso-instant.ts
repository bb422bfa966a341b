import { ValidationError } from '../errors/index.ts';
import { quoted } from './quoted.ts';

/**
 * `value` as `toISOString()` writes it, or a `ValidationError` saying that `what` is not a time. Account
 * times are stored in this one form so that comparing their text compares the instants.
 */
export function isoInstant(value: unknown, what: string): string {
  const milliseconds = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  const date = new Date(milliseconds);
  // Years past 9999 print with a sign and six digits, which would no longer sort as text.
  if (Number.isFinite(milliseconds) && date.getUTCFullYear() >= 0 && date.getUTCFullYear() <= 9999) {
    return date.toISOString();
  }
  throw new ValidationError(`${what} must be an ISO 8601 time, got ${quoted(value)}.`);
}
