import { ValidationError } from '../../core/errors/index.ts';

/**
 * The JSON text of a plain object, refused with `words` unless JSON can store it. Opaque objects (message
 * metadata, crawl summaries) are kept as this text rather than as DynamoDB maps, whose numbers stop at 38
 * digits and below 1e126: the text gives back exactly what a JSON round trip gives.
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
