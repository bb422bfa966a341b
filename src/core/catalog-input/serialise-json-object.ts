import { ValidationError } from '../errors/index.ts';

/**
 * The JSON text of a plain object, refused with `words` unless JSON can store it. Catalogs keep opaque
 * objects (message metadata, crawl summaries) as this text, so reading one back gives exactly what a JSON
 * round trip gives, whatever the store would make of nested values (DynamoDB maps, for one, cut numbers
 * to 38 digits).
 */
export function serialiseJsonObject(value: unknown, words: { refusal: string; hint: string }): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    // Cycles and BigInt values land here.
    throw new ValidationError(words.refusal, { cause: error, hint: words.hint });
  }
  // A toJSON method may turn an object into something else, so the JSON text decides, not the value.
  if (text === undefined || !text.startsWith('{'))
    throw new ValidationError(words.refusal, { hint: words.hint });
  return text;
}
