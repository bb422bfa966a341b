import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/index.ts';
import { identifierParts, queryTerms } from './query-terms.ts';

describe('queryTerms', () => {
  it('keeps the words of a query, lowercased and de-duplicated, without engine syntax or stop words', () => {
    expect(queryTerms('"Retry" AND (policy* -retry) NEAR/2 the')).toEqual(['retry', 'policy', 'near', '2']);
    expect(queryTerms('héllo_wörld 42')).toEqual(['héllo_wörld', '42']);
  });

  it('keeps stop words when nothing else is left', () => {
    expect(queryTerms('to be or not to be')).toEqual(['to', 'be', 'or', 'not']);
  });

  it('rejects a query with no words', () => {
    for (const query of ['', ' ', '"*"', '-()^:']) expect(() => queryTerms(query)).toThrow(ValidationError);
  });

  it('caps very long queries', () => {
    const long = Array.from({ length: 200 }, (_, index) => `word${index}`).join(' ');
    expect(queryTerms(long)).toHaveLength(64);
  });
});

describe('identifierParts', () => {
  it('splits camelCase, PascalCase, snake_case and acronyms, leaving plain words out', () => {
    expect(identifierParts('retryWithBackoff(HTTPServerError, MAX_RETRY_COUNT) plain words')).toBe(
      'retry with backoff http server error max count',
    );
  });
});
