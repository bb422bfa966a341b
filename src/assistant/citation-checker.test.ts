import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors/index.ts';
import { CitationChecker, checkCitations } from './citation-checker.ts';

/** Streams `chunks` through a checker and returns the concatenated output and the report. */
function stream(chunks: string[], sourceCount: number) {
  const checker = new CitationChecker(sourceCount);
  const text = chunks.map((chunk) => checker.push(chunk)).join('') + checker.finish();
  return { text, ...checker.report() };
}

/** A small deterministic generator (mulberry32), so a failing split can be reproduced. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

function splitAt(text: string, positions: number[]): string[] {
  const cuts = [0, ...[...new Set(positions)].sort((a, b) => a - b), text.length];
  return cuts.slice(1).map((cut, index) => text.slice(cuts[index], cut));
}

describe('checkCitations: markers', () => {
  it.each([
    ['plain marker', 'Retries back off [2].', 'Retries back off [2].', [2]],
    ['comma list', 'A [1,2] B', 'A [1, 2] B', [1, 2]],
    ['spaced list', 'A [1, 2] B', 'A [1, 2] B', [1, 2]],
    ['semicolon list', 'A [1; 2] B', 'A [1, 2] B', [1, 2]],
    ['adjacent markers', 'A [1][2] B', 'A [1][2] B', [1, 2]],
    ['hyphen range', 'A [1-3] B', 'A [1, 2, 3] B', [1, 2, 3]],
    ['en dash range', 'A [1–3] B', 'A [1, 2, 3] B', [1, 2, 3]],
    ['footnote style', 'A[^2] B', 'A[2] B', [2]],
    ['source prefix', 'A [source 2] B [Source 3]', 'A [2] B [3]', [2, 3]],
    ['source prefix per item', 'A [source 1, source 3]', 'A [1, 3]', [1, 3]],
    ['full-width brackets', 'A 【2】 B', 'A [2] B', [2]],
    ['inner spaces', 'A [ 2 ] B', 'A [2] B', [2]],
    ['duplicates inside a marker', 'A [2, 2, 1-2] B', 'A [2, 1] B', [2, 1]],
    ['glued to a word when valid', 'Use the flag[2].', 'Use the flag[2].', [2]],
  ])('%s', (_name, answer, text, cited) => {
    expect(checkCitations(answer, 3)).toEqual({ text, cited, removed: 0, unsupported: false });
  });

  it('removes made-up citations glued to prose, but not indexing in code-like text', () => {
    expect(checkCitations('Retries back off exponentially[7]. It retries (see docs)[5].', 3)).toEqual({
      text: 'Retries back off exponentially. It retries (see docs).',
      cited: [],
      removed: 2,
      unsupported: true,
    });
  });

  it('keeps only valid numbers and counts each invalid reference', () => {
    expect(checkCitations('A [1, 9] B [2-5] C [7; 8].', 3)).toEqual({
      text: 'A [1] B [2, 3] C.',
      cited: [1, 2, 3],
      removed: 4,
      unsupported: false,
    });
  });

  it('lists cited sources once, in order of first use', () => {
    expect(checkCitations('X [3]. Y [1]. Z [3, 1].', 3).cited).toEqual([3, 1]);
  });

  it('treats 0 as an invalid source, not an index, when it stands alone', () => {
    expect(checkCitations('See [0].', 3)).toMatchObject({ text: 'See.', removed: 1 });
  });
});

describe('checkCitations: removal tidies whitespace', () => {
  it.each([
    ['before a full stop', 'foo [9].', 'foo.'],
    ['between words', 'foo [9] bar', 'foo bar'],
    ['at the end', 'foo [9]', 'foo'],
    ['at the end of a line', 'foo [9]\nbar', 'foo\nbar'],
    ['at the start', '[9] foo', 'foo'],
    ['at a line start', 'a\n[9] foo', 'a\nfoo'],
    ['two in a row', 'foo [9] [8].', 'foo.'],
    ['after a valid one', 'foo [1] [9].', 'foo [1].'],
    ['before a valid one', 'foo [9] [1].', 'foo [1].'],
    ['glued to a valid one', 'foo [9][1].', 'foo [1].'],
    ['inside parentheses', 'foo (see [9]) bar', 'foo (see) bar'],
    ['footnote glued to a word', 'foo[^9].', 'foo.'],
    ['indented', 'a\n  [9] b', 'a\n  b'],
  ])('%s', (_name, answer, text) => {
    const result = checkCitations(answer, 3);
    expect(result.text).toBe(text);
    if (!answer.includes('  ')) expect(result.text).not.toContain('  ');
  });
});

describe('checkCitations: text that is not a marker', () => {
  it.each([
    ['indexing', 'array[0] and items_list[7] and m[1][9] and x[7] = 2 and a.b[7]'],
    ['call then index', 'f(x)[7]'],
    ['links', '[link](https://example.com) and [9](https://example.com)'],
    ['checkboxes', '- [ ] todo\n- [x] done'],
    ['words in brackets', 'press [x] or [Enter]'],
    ['decimals', 'ratio [1.5]'],
    ['years', 'in [2023]'],
    ['reversed ranges', 'a score of [3-1]'],
    ['a lone bracket', 'a [ b ] c ['],
    ['long bracketed text', `[${'1, '.repeat(20)}2]`],
  ])('%s passes through untouched', (_name, answer) => {
    expect(checkCitations(answer, 3)).toMatchObject({ text: answer, removed: 0 });
  });

  it('leaves fenced code blocks alone, even valid-looking markers', () => {
    const answer = '```ts\nconst a = b [9]; // [1]\n```\nDone [9].';
    expect(checkCitations(answer, 3)).toEqual({
      text: '```ts\nconst a = b [9]; // [1]\n```\nDone.',
      cited: [],
      removed: 1,
      unsupported: true,
    });
  });

  it('leaves inline code alone', () => {
    expect(checkCitations('Call `get [9]` and ``a`[9]`` then [9].', 3).text).toBe(
      'Call `get [9]` and ``a`[9]`` then.',
    );
  });

  it('handles longer fences, tilde fences and indented fences in lists', () => {
    const answer =
      '````md\n```\n[9]\n```\n[9]\n````\n~~~\n[9]\n~~~\n1. Step\n    ```\n    [9]\n    ```\nEnd [9].';
    expect(checkCitations(answer, 3).text).toBe(answer.replace('End [9].', 'End.'));
  });

  it('keeps checking an unclosed code fence off until the end', () => {
    expect(checkCitations('```\n[9]', 3)).toMatchObject({ text: '```\n[9]', removed: 0 });
  });

  it('lets a stray backtick switch off checking for one line at most', () => {
    expect(checkCitations('a ` b [9]\nc [9].', 3).text).toBe('a ` b [9]\nc.');
  });
});

describe('checkCitations: report', () => {
  it('flags an answer with no valid citation when sources were given', () => {
    expect(checkCitations('No citations here.', 2)).toEqual({
      text: 'No citations here.',
      cited: [],
      removed: 0,
      unsupported: true,
    });
  });

  it('does not flag an answer when no sources were given, and removes every marker', () => {
    expect(checkCitations('Nothing to cite [1].', 0)).toEqual({
      text: 'Nothing to cite.',
      cited: [],
      removed: 1,
      unsupported: false,
    });
  });

  it('rejects a source count that is not a whole number ≥ 0', () => {
    expect(() => new CitationChecker(-1)).toThrow(ValidationError);
    expect(() => new CitationChecker(1.5)).toThrow(ValidationError);
  });
});

describe('CitationChecker streaming', () => {
  it('holds a marker back until it is complete and decided', () => {
    const checker = new CitationChecker(3);
    expect(checker.push('Retries back off [')).toBe('Retries back off');
    expect(checker.push('9')).toBe('');
    expect(checker.push(']')).toBe('');
    expect(checker.push('. Next [1')).toBe('. Next');
    expect(checker.push('] and')).toBe(' [1] and');
    expect(checker.finish()).toBe('');
    expect(checker.report()).toEqual({ cited: [1], removed: 1, unsupported: false });
  });

  it('never shows an invalid number, whatever the split', () => {
    const answer = 'Use it [9] often [2, 8].';
    const checker = new CitationChecker(3);
    let shown = '';
    for (const character of answer) {
      shown += checker.push(character);
      expect(shown).not.toMatch(/[89]/);
    }
    expect(shown + checker.finish()).toBe('Use it often [2].');
  });

  it('releases a bracket that does not become a marker within a bounded length', () => {
    const checker = new CitationChecker(3);
    const long = `see [${'1,'.repeat(20)}`;
    expect(checker.push(long)).toBe(long);
    expect(checker.push('x')).toBe('x');
  });

  it('releases plain text at once', () => {
    const checker = new CitationChecker(3);
    expect(checker.push('Hello wor')).toBe('Hello wor');
    expect(checker.push('ld.')).toBe('ld.');
  });

  it('rejects text after finish and returns nothing on a second finish', () => {
    const checker = new CitationChecker(1);
    checker.push('a');
    expect(checker.finish()).toBe('');
    expect(checker.finish()).toBe('');
    expect(() => checker.push('b')).toThrow(ValidationError);
  });
});

const samples = [
  'Retries back off [1]. Also [1, 9] and [9]. See [2][3] and [2-5]; [^2], [source 3], 【1】 [0].',
  'foo [9] bar [9].\n[9] start\n  [8] indented [1][9][2] done [9]',
  'array[0] items[7] word[2] f(x)[1] [link](url) [1](http://a) - [ ] [x] [1.5] [2023] [3-1] ok',
  '```ts\nconst a = b[1]; [9]\n```\nand `[9]` and ``x`[9]`` and [9].\n````\n```\n[9]\n````\n[2]',
  '~~~\n[9]\n~~~ a ~ b ~~~ [9] `stray [9]\nnext [9] [1]\r\n[9]\r\n',
  `long [${'1, '.repeat(15)}] and [1,2;3–3] and [ 2 ] and [Sources: 1, 2] end [1`,
  '  [9]  double  [9] [9]\t[9]\ttab [9]? (see [9]) [9]"quoted" **bold [9]**',
];

describe('CitationChecker: any split gives the whole-answer result', () => {
  it.each(samples.map((sample, index) => [index, sample]))('sample %i, split once anywhere', (_, sample) => {
    const whole = checkCitations(sample, 3);
    for (let position = 0; position <= sample.length; position += 1) {
      expect(stream(splitAt(sample, [position]), 3), `split at ${position}`).toEqual(whole);
    }
  });

  it.each(samples.map((sample, index) => [index, sample]))(
    'sample %i, one character at a time',
    (_, sample) => {
      expect(stream([...sample], 3)).toEqual(checkCitations(sample, 3));
      expect(stream(sample.split(''), 1)).toEqual(checkCitations(sample, 1));
    },
  );

  it('random splits with a fixed seed', () => {
    const random = seededRandom(20240611);
    for (const sample of samples) {
      const whole = checkCitations(sample, 3);
      for (let round = 0; round < 200; round += 1) {
        const cuts = Array.from({ length: 1 + Math.floor(random() * 8) }, () =>
          Math.floor(random() * (sample.length + 1)),
        );
        expect(stream(splitAt(sample, cuts), 3), `cuts ${cuts.join(',')}`).toEqual(whole);
      }
    }
  });
});
