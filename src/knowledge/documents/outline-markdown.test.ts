import { describe, expect, it } from 'vitest';
import { outlineMarkdown } from './outline-markdown.ts';

describe('outlineMarkdown', () => {
  it('cuts at headings and keeps the trail of headings above each section', () => {
    const text = [
      'Intro before any heading.', // 1
      '# Quarry', // 2
      'A workbench.', // 3
      '## Usage', // 4
      '### Search', // 5
      'quarry search', // 6
      '### Ask', // 7
      '## Install', // 8
      'npm i', // 9
    ].join('\n');
    const outline = outlineMarkdown(text);
    expect(outline.title).toBe('Quarry');
    expect(outline.sections).toEqual([
      { headingPath: [], startLine: 1, endLine: 1 },
      { headingPath: ['Quarry'], startLine: 2, endLine: 3 },
      { headingPath: ['Quarry', 'Usage'], startLine: 4, endLine: 4 },
      { headingPath: ['Quarry', 'Usage', 'Search'], startLine: 5, endLine: 6 },
      { headingPath: ['Quarry', 'Usage', 'Ask'], startLine: 7, endLine: 7 },
      { headingPath: ['Quarry', 'Install'], startLine: 8, endLine: 9 },
    ]);
  });

  it('does not take # lines inside fenced code blocks for headings', () => {
    const text = [
      '# Setup', // 1
      '```bash', // 2
      '# install the tool', // 3
      'npm i -g quarry', // 4
      '```', // 5
      '~~~~', // 6
      '## not a heading either', // 7
      '~~~', // 8 (too short to close a four-tilde fence)
      '~~~~', // 9
      '## Configure', // 10
    ].join('\n');
    expect(outlineMarkdown(text).sections).toEqual([
      { headingPath: ['Setup'], startLine: 1, endLine: 9 },
      { headingPath: ['Setup', 'Configure'], startLine: 10, endLine: 10 },
    ]);
  });

  it('skips front matter at the top', () => {
    const text = ['---', 'title: Not a heading', '# also not a heading', '---', '# Real title', 'Body'].join(
      '\n',
    );
    const outline = outlineMarkdown(text);
    expect(outline.title).toBe('Real title');
    expect(outline.sections).toEqual([{ headingPath: ['Real title'], startLine: 5, endLine: 6 }]);
  });

  it('cleans heading text: closing hashes, code ticks, bold and links', () => {
    const text = ['# `chunkDocument()` **API** #', '## See [the guide](https://example.com) ##'].join('\n');
    expect(outlineMarkdown(text).sections.map((section) => section.headingPath)).toEqual([
      ['chunkDocument() API'],
      ['chunkDocument() API', 'See the guide'],
    ]);
  });

  it('needs a space after the hashes, and at most three spaces of indentation', () => {
    const text = ['#hashtag', '    # indented code', '#', 'text'].join('\n');
    expect(outlineMarkdown(text).sections).toEqual([
      { headingPath: [], startLine: 1, endLine: 2 },
      { headingPath: [''], startLine: 3, endLine: 4 },
    ]);
  });

  it('has no title without a level-1 heading', () => {
    expect(outlineMarkdown('## Only a level two').title).toBeUndefined();
  });
});
