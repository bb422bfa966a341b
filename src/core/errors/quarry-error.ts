/** Options shared by every Quarry error. */
export interface QuarryErrorOptions {
  /** The lower-level error that caused this one (kept for `--verbose`, never shown to end users raw). */
  cause?: unknown;
  /** A short instruction telling the user what to do next. */
  hint?: string;
}

/**
 * Marks Quarry errors. A registered symbol, so errors from another copy of this module still count, while
 * other libraries' errors with a `code` and a `hint` (PostgreSQL's, for one) do not.
 */
const quarryErrorMarker = Symbol.for('quarry.error');

/**
 * Base class of every error Quarry raises on purpose. `name` and `code` are stable and safe to match on;
 * the message is one clear sentence for humans and never contains secrets.
 */
export class QuarryError extends Error {
  /** Stable machine-readable code, e.g. `not_found`. */
  readonly code: string;
  /** What the user can do about it, when there is something. */
  readonly hint: string | undefined;
  readonly [quarryErrorMarker] = true;

  constructor(code: string, message: string, options: QuarryErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'QuarryError';
    this.code = code;
    this.hint = options.hint;
  }

  /** True for any QuarryError, also across module copies (checks the marker, not the prototype chain). */
  static is(value: unknown): value is QuarryError {
    return value instanceof Error && (value as { [quarryErrorMarker]?: unknown })[quarryErrorMarker] === true;
  }
}
