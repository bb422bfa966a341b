import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { AnswerMarkdown } from './answer-markdown.tsx';
import type { Source } from './api-types.ts';

const sources: Source[] = [1, 2].map((n) => ({
  n,
  citation: `docs/page-${n}.md:1-3`,
  repo: null,
  version: 'v1',
  path: `docs/page-${n}.md`,
  startLine: 1,
  endLine: 3,
  url: null,
  heading: null,
  key: null,
}));

function render(text: string): string {
  return renderToStaticMarkup(createElement(AnswerMarkdown, { text, sources }));
}

describe('AnswerMarkdown', () => {
  it('renders GitHub-flavoured tables and autolinks, still keeping raw HTML as text', () => {
    const html = render(
      '| option | default |\n| --- | --- |\n| retries | 3 |\n\nSee https://example.com/docs <b onclick="x()">bold</b>',
    );
    expect(html).toContain('<table>');
    expect(html).toContain('<td>retries</td>');
    expect(html).toContain('href="https://example.com/docs"');
    expect(html).not.toContain('<b onclick');
  });

  it('renders citation markers as "Source N" buttons', () => {
    const html = render('Use the trie router [1, 2].');
    expect(html).toContain('<button type="button" class="citation" aria-label="Source 1">[1]</button>');
    expect(html).toContain('aria-label="Source 2"');
  });

  it('keeps raw HTML as text', () => {
    const html = render('Hello <script>alert(1)</script> <img src=x onerror=alert(1)>');
    expect(html).not.toContain('<script');
    expect(html).not.toContain('<img');
    expect(html).toContain('&lt;script&gt;');
  });

  it('drops javascript: links and opens external links safely', () => {
    const html = render('[bad](javascript:alert(1)) and [good](https://example.com)');
    expect(html).not.toContain('javascript:');
    expect(html).toContain(
      '<a href="https://example.com" target="_blank" rel="noopener noreferrer">good</a>',
    );
  });

  it('renders images as links instead of loading them', () => {
    const html = render('![diagram](https://example.com/a.png)');
    expect(html).not.toContain('<img');
    expect(html).toContain('href="https://example.com/a.png"');
  });
});
