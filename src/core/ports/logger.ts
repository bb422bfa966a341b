/** Structured fields attached to a log line. */
export type LogFields = Record<string, unknown>;

/**
 * The logging port: pino's method shape (`logger.info(fields, message)`), so a pino logger satisfies it
 * directly. Implementations must redact secrets; callers still never pass tokens in fields.
 */
export interface Logger {
  debug(fields: LogFields, message: string): void;
  info(fields: LogFields, message: string): void;
  warn(fields: LogFields, message: string): void;
  error(fields: LogFields, message: string): void;
}

/** A logger that drops everything (tests and library use). */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
