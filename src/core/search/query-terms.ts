import { ValidationError } from '../errors/index.ts';

/**
 * English words too common to help ranking (the stop set Lucene's English analyzer uses), dropped from
 * keyword queries unless nothing else is left.
 */
const stopWords = new Set(
  'a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with'.split(
    ' ',
  ),
);

/** Queries longer than this many distinct words are cut: they add latency, not precision. */
const maxTerms = 64;

/**
 * The words of a user's query, lowercased and de-duplicated, with engine syntax (quotes, `*`, `-`,
 * `NEAR`, parentheses) reduced to plain words so no query can break the keyword engine. A query with no
 * words at all is a `ValidationError`.
 */
export function queryTerms(text: string): string[] {
  const words = [...text.toLowerCase().matchAll(/[\p{L}\p{N}_]+/gu)].map((match) => match[0]);
  const unique = [...new Set(words)];
  if (unique.length === 0) {
    throw new ValidationError('The search query has no words to look for.', {
      hint: 'Give at least one word or number, e.g. quarry search "retry policy".',
    });
  }
  const meaningful = unique.filter((word) => !stopWords.has(word));
  return (meaningful.length > 0 ? meaningful : unique).slice(0, maxTerms);
}

/** Reciprocal-rank fusion constant: the k in 1 / (k + rank), as in the original RRF paper. */
export const fusionRankConstant = 60;

/** A word with a lower-to-upper case change, an upper run before a lower letter, or an inner underscore. */
const compoundIdentifier =
  /[\p{L}\p{N}_$]*(?:\p{Ll}\p{Lu}|\p{Lu}\p{Lu}\p{Ll}|[\p{L}\p{N}]_[\p{L}\p{N}])[\p{L}\p{N}_$]*/gu;

/**
 * The parts of compound identifiers in `text` (`retryWithBackoff` → `retry with backoff`,
 * `MAX_RETRY_COUNT` → `max retry count`), so a search for `backoff` finds code that only says
 * `retryWithBackoff`. Plain words add nothing and are left out.
 */
export function identifierParts(text: string): string {
  const parts = new Set<string>();
  // Only words with a case change inside or an underscore are compound; finding those first keeps prose
  // (most of a documentation corpus) cheap.
  for (const [identifier] of text.matchAll(compoundIdentifier)) {
    const pieces = identifier
      .replace(/([\p{Ll}\p{N}])(\p{Lu})/gu, '$1 $2')
      .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, '$1 $2')
      .split(/[\s_$]+/u)
      .filter((piece) => piece.length > 1);
    if (pieces.length > 1) for (const piece of pieces) parts.add(piece.toLowerCase());
  }
  return [...parts].join(' ');
}
