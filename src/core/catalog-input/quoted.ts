/**
 * A short, printable form of any value for an error message: its JSON text, cut to 80 characters so that a
 * caller passing a whole document by mistake does not flood the message.
 */
export function quoted(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
