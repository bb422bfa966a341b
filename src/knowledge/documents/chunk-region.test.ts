import { describe, expect, it } from 'vitest';
import { chunkRegion, type TextRegion } from './chunk-region.ts';
import { LineIndex } from './line-index.ts';
import { type TextSplitter, textSplitterFor } from './text-splitter-for.ts';

function region(text: string, start = 0, end = text.length): TextRegion {
  return { text, lines: new LineIndex(text), start, end, headingPath: ['Guide'] };
}

const unusedSplitter = (): Promise<TextSplitter> => {
  throw new Error('the splitter should not be needed');
};

describe('chunkRegion', () => {
  it('returns a region that fits as one trimmed chunk without the splitter', async () => {
    const text = 'before\n\n  Short section.\n  Second line.\n\nafter';
    const start = text.indexOf('\n\n');
    const end = text.indexOf('after');
    expect(await chunkRegion(region(text, start, end), 100, unusedSplitter)).toEqual([
      { text: 'Short section.\n  Second line.', startLine: 3, endLine: 4, headingPath: ['Guide'] },
    ]);
  });

  it('returns nothing for a blank region', async () => {
    expect(await chunkRegion(region(' \n\t\n  '), 100, unusedSplitter)).toEqual([]);
  });

  it('gives split pieces the exact lines they came from, even when pieces repeat', async () => {
    const paragraph = 'The same paragraph again.\nWith a second line.';
    const text = Array.from({ length: 6 }, () => paragraph).join('\n\n');
    const chunks = await chunkRegion(region(text), 50, () => textSplitterFor('text', 50, 0));
    expect(chunks.map((chunk) => [chunk.startLine, chunk.endLine])).toEqual([
      [1, 2],
      [4, 5],
      [7, 8],
      [10, 11],
      [13, 14],
      [16, 17],
    ]);
    expect(chunks.every((chunk) => chunk.text === paragraph)).toBe(true);
  });

  it('gives each chunk its own copy of the heading trail', async () => {
    const text = 'one two three four five six seven eight nine ten';
    const [first, second] = await chunkRegion(region(text), 20, () => textSplitterFor('text', 20, 0));
    first?.headingPath.push('changed');
    expect(second?.headingPath).toEqual(['Guide']);
  });
});
