/**
 * Deterministic synthetic text for the knowledge benchmark: words drawn from a Zipf-distributed
 * vocabulary, as natural language roughly is, so posting lists have a realistic spread from a few huge
 * ones (common words) to a long tail of tiny ones.
 */

/** English stop words take the most frequent ranks, as in real text; queries drop them anyway. */
const stopWords =
  'the of and a to in is it that for on as with be by this are at or an not was but if no into such their then there these they will'.split(
    ' ',
  );

/** How many of the most frequent vocabulary words are stop words (ranks 0 to this − 1). */
export const stopWordRanks = stopWords.length;

// Consonant-vowel syllables ending in a, i, o or u: Porter stemming leaves almost all such words whole,
// so distinct vocabulary words stay distinct terms in the index.
const consonants = 'bdfgklmnprtvz';
const vowels = 'aiou';
const syllables = [...consonants].flatMap((consonant) => [...vowels].map((vowel) => consonant + vowel));

/** A seeded pseudo-random number generator (Marsaglia's xorshift32): uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x1_0000_0000;
  };
}

/** `size` distinct words, most frequent first: the stop words, then generated words, shortest first. */
export function buildVocabulary(size: number): string[] {
  const words = stopWords.slice(0, size);
  for (let index = 0; words.length < size; index += 1) words.push(syntheticWord(index));
  return words;
}

/** The index-th word of one syllable, then two, then three, … (a bijective base-`syllables` numbering). */
function syntheticWord(index: number): string {
  let remaining = index;
  let length = 1;
  let count = syllables.length;
  while (remaining >= count) {
    remaining -= count;
    length += 1;
    count *= syllables.length;
  }
  let word = '';
  for (let position = 0; position < length; position += 1) {
    word = syllables[remaining % syllables.length] + word;
    remaining = Math.floor(remaining / syllables.length);
  }
  return word;
}

/** Draws vocabulary ranks (0 = most frequent) with probability ∝ 1 / (rank + 1)^exponent. */
export function zipfSampler(size: number, exponent: number, random: () => number): () => number {
  const cumulative = new Float64Array(size);
  let total = 0;
  for (let rank = 0; rank < size; rank += 1) {
    total += 1 / (rank + 1) ** exponent;
    cumulative[rank] = total;
  }
  return () => {
    const target = random() * total;
    let low = 0;
    let high = size - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((cumulative[middle] ?? total) < target) low = middle + 1;
      else high = middle;
    }
    return low;
  };
}

/** Generates chunk texts of `minWords`–`maxWords` words, sentences of 8–20 words. */
export function textGenerator(options: {
  vocabulary: string[];
  seed: number;
  exponent: number;
  minWords: number;
  maxWords: number;
}): () => string {
  const random = seededRandom(options.seed);
  const sample = zipfSampler(options.vocabulary.length, options.exponent, random);
  const span = options.maxWords - options.minWords + 1;
  return () => {
    const count = options.minWords + Math.floor(random() * span);
    const words: string[] = [];
    let sentenceLeft = 0;
    for (let index = 0; index < count; index += 1) {
      if (sentenceLeft === 0) sentenceLeft = 8 + Math.floor(random() * 13);
      sentenceLeft -= 1;
      const word = options.vocabulary[sample()] ?? '';
      words.push(sentenceLeft === 0 || index === count - 1 ? `${word}.` : word);
    }
    return words.join(' ');
  };
}
