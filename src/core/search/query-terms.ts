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

/** Quick test for a compound identifier anywhere in a text (ASCII identifiers: nearly all code). */
const mayHoldCompound = /[a-z0-9][A-Z]|[A-Z]{2}[a-z]|[A-Za-z0-9]_[A-Za-z0-9]/;
/** One compound identifier (same shapes), checked word by word only in texts that may hold one. */
const compoundWord = /[a-z0-9][A-Z]|[A-Z]{2}[a-z]|[A-Za-z0-9]_[A-Za-z0-9]/;

/**
 * The parts of compound identifiers in `text` (`retryWithBackoff` → `retry with backoff`,
 * `MAX_RETRY_COUNT` → `max retry count`), so a search for `backoff` finds code that only says
 * `retryWithBackoff`. Plain words add nothing and are left out.
 */
export function identifierParts(text: string): string {
  // Prose (most of a documentation corpus) has no compound words: skip it with one cheap scan.
  if (!mayHoldCompound.test(text)) return '';
  const parts = new Set<string>();
  for (const [identifier] of text.matchAll(/[A-Za-z0-9_$]{3,}/g)) {
    if (!compoundWord.test(identifier)) continue;
    const pieces = identifier
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .replace(/([A-Z])([A-Z][a-z])/g, '$1 $2')
      .split(/[\s_$]+/)
      .filter((piece) => piece.length > 1);
    if (pieces.length > 1) for (const piece of pieces) parts.add(piece.toLowerCase());
  }
  return [...parts].join(' ');
}
