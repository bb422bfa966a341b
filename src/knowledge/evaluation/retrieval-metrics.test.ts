import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors/index.ts';
import { meanOverQueries, ndcgAt, recallAt, reciprocalRankAt } from './retrieval-metrics.ts';

// Judged: a (grade 2), b and d (grade 1), c (judged not relevant). x is unjudged.
const judgements = new Map([
  ['a', 2],
  ['b', 1],
  ['c', 0],
  ['d', 1],
]);
const ranking = ['c', 'a', 'x', 'b'];

describe('ndcgAt', () => {
  it('uses linear gains, log2(rank + 1) discounts and an ideal ranking cut at k', () => {
    // DCG@3 = 0/1 + 2/log2(3) + 0/2; ideal@3 = 2/1 + 1/log2(3) + 1/log2(4).
    const ideal = 2 + 1 / Math.log2(3) + 0.5;
    expect(ndcgAt(3)(ranking, judgements)).toBeCloseTo(2 / Math.log2(3) / ideal, 10);
    expect(ndcgAt(3)(ranking, judgements)).toBeCloseTo(0.4030302838, 9);
    // At 10, b at rank 4 adds 1/log2(5); the ideal has only three relevant documents.
    expect(ndcgAt(10)(ranking, judgements)).toBeCloseTo(0.5405857679, 9);
  });

  it('is 1 for the ideal order and 0 with nothing relevant retrieved', () => {
    expect(ndcgAt(10)(['a', 'b', 'd'], judgements)).toBeCloseTo(1, 12);
    expect(ndcgAt(10)(['a', 'd', 'b'], judgements)).toBeCloseTo(1, 12);
    expect(ndcgAt(10)(['c', 'x'], judgements)).toBe(0);
    expect(ndcgAt(10)([], judgements)).toBe(0);
  });

  it('cuts the ideal ranking at k, so a perfect top-1 scores 1', () => {
    expect(ndcgAt(1)(['a', 'x'], judgements)).toBe(1);
    // b (grade 1) first, where the ideal has a (grade 2).
    expect(ndcgAt(1)(['b'], judgements)).toBe(0.5);
  });

  it('counts negative grades as no gain', () => {
    const withSpam = new Map([
      ['a', 1],
      ['s', -1],
    ]);
    expect(ndcgAt(10)(['s', 'a'], withSpam)).toBeCloseTo(1 / Math.log2(3), 12);
  });
});

describe('recallAt', () => {
  it('divides the relevant documents found in the first k by all relevant documents', () => {
    expect(recallAt(3)(ranking, judgements)).toBeCloseTo(1 / 3, 12);
    expect(recallAt(100)(ranking, judgements)).toBeCloseTo(2 / 3, 12);
    expect(recallAt(100)(['a', 'b', 'd', 'c'], judgements)).toBe(1);
  });
});

describe('reciprocalRankAt', () => {
  it('is 1 / the rank of the first relevant document, within k', () => {
    expect(reciprocalRankAt(10)(ranking, judgements)).toBe(0.5);
    expect(reciprocalRankAt(1)(ranking, judgements)).toBe(0);
    expect(reciprocalRankAt(10)(['x', 'c', 'y', 'd'], judgements)).toBe(0.25);
  });
});

describe('meanOverQueries', () => {
  it('averages over queries with a relevant document, scoring missing rankings as empty', () => {
    const judgementsByQuery = new Map([
      ['q1', judgements],
      // Only judged not relevant: left out, as BEIR does.
      ['q2', new Map([['c', 0]])],
      // Judged but never ranked: counts as 0.
      ['q3', new Map([['a', 1]])],
    ]);
    const rankings = new Map([
      ['q1', ranking],
      ['q2', ['c']],
    ]);
    expect(meanOverQueries(recallAt(3), rankings, judgementsByQuery)).toBeCloseTo(1 / 6, 12);
    expect(meanOverQueries(reciprocalRankAt(10), rankings, judgementsByQuery)).toBe(0.25);
  });

  it('is 0 when no query has a relevant document', () => {
    expect(meanOverQueries(ndcgAt(10), new Map(), new Map([['q', new Map([['c', 0]])]]))).toBe(0);
  });
});

describe('cutoffs', () => {
  it('must be whole numbers of at least 1', () => {
    expect(() => ndcgAt(0)).toThrow(ValidationError);
    expect(() => recallAt(2.5)).toThrow(ValidationError);
  });
});
