import { describe, expect, it } from 'vitest';
import { citationHref, citationNumberFromHref, linkCitationMarkers } from './citations.ts';

const known = new Set([1, 2, 3]);

describe('linkCitationMarkers', () => {
  it('turns a single marker into a citation link', () => {
    expect(linkCitationMarkers('Use the router [1].', known)).toBe('Use the router [1](#cite-1).');
  });

  it('turns a grouped marker into one link per source', () => {
    expect(linkCitationMarkers('See [1, 2] and [2,3].', known)).toBe(
      'See [1](#cite-1)[2](#cite-2) and [2](#cite-2)[3](#cite-3).',
    );
  });

  it('links adjacent markers', () => {
    expect(linkCitationMarkers('Both[1][3]', known)).toBe('Both[1](#cite-1)[3](#cite-3)');
  });

  it('leaves markers whose numbers match no source alone', () => {
    expect(linkCitationMarkers('Unknown [7] and mixed [1, 9].', known)).toBe('Unknown [7] and mixed [1, 9].');
  });

  it('leaves everything alone when there are no sources', () => {
    expect(linkCitationMarkers('Text [1].', new Set())).toBe('Text [1].');
  });

  it('does not touch existing links or escaped brackets', () => {
    const text = 'A [1](https://example.com) link and \\[2] escaped.';
    expect(linkCitationMarkers(text, known)).toBe(text);
  });

  it('skips inline code spans', () => {
    expect(linkCitationMarkers('Index `items[1]` is second [2].', known)).toBe(
      'Index `items[1]` is second [2](#cite-2).',
    );
    expect(linkCitationMarkers('Double ``a[1]`b`` then [1]', known)).toBe(
      'Double ``a[1]`b`` then [1](#cite-1)',
    );
  });

  it('skips fenced code blocks, including tilde fences, until the matching fence', () => {
    const markdown = [
      'Before [1]',
      '```ts',
      'const first = items[1];',
      '~~~',
      'still code [2]',
      '```',
      'After [2]',
      '~~~',
      'x[3]',
      '~~~',
      'End [3]',
    ].join('\n');
    expect(linkCitationMarkers(markdown, known)).toBe(
      [
        'Before [1](#cite-1)',
        '```ts',
        'const first = items[1];',
        '~~~',
        'still code [2]',
        '```',
        'After [2](#cite-2)',
        '~~~',
        'x[3]',
        '~~~',
        'End [3](#cite-3)',
      ].join('\n'),
    );
  });

  it('keeps an unclosed fence (a streaming answer) as code', () => {
    expect(linkCitationMarkers('Intro [1]\n```\nitems[1]', known)).toBe('Intro [1](#cite-1)\n```\nitems[1]');
  });
});

describe('citation hrefs', () => {
  it('round-trips a source number', () => {
    expect(citationNumberFromHref(citationHref(12))).toBe(12);
  });

  it('rejects other hrefs', () => {
    expect(citationNumberFromHref('https://example.com')).toBeUndefined();
    expect(citationNumberFromHref('#cite-')).toBeUndefined();
    expect(citationNumberFromHref('#cite-1x')).toBeUndefined();
    expect(citationNumberFromHref(undefined)).toBeUndefined();
  });
});
