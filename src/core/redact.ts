/** Replaces every known secret in a text with `[redacted]`. */
export type Redactor = (text: string) => string;

/**
 * Builds a redactor for the given secret values (tokens, keys, passwords). Empty and very short values
 * are ignored so that redaction cannot mangle ordinary text.
 */
export function createRedactor(secrets: ReadonlyArray<string | undefined>): Redactor {
  const values = [
    ...new Set(secrets.filter((secret): secret is string => !!secret && secret.length >= 6)),
  ].sort((left, right) => right.length - left.length);
  if (values.length === 0) return (text) => text;
  return (text) => {
    let result = text;
    for (const value of values) result = result.split(value).join('[redacted]');
    return result;
  };
}

/** One line describing an error for users and the catalog: its message, and the cause's when useful. */
export function describeError(error: unknown, redact: Redactor): string {
  const message = error instanceof Error ? error.message : String(error);
  return redact(message.replace(/\s+/g, ' ').trim());
}
