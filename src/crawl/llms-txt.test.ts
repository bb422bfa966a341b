import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors/index.ts';
import { parseLlmsTxt } from './llms-txt.ts';

const baseUrl = 'https://example.com/llms.txt';

describe('parseLlmsTxt', () => {
  it('lists the links of every section in order, resolved against the file URL', () => {
    const text = [
      '# Example Framework',
      '',
      '> A framework for examples. See [the homepage](https://example.com/) for more.',
      '',
      'Some notes about the [changelog](/changelog).',
      '',
      '## Docs',
      '',
      '- [Quick start](https://example.com/docs/quickstart.md): how to begin',
      '- [API reference](docs/api.md "The API")',
      '',
      '## Optional',
      '',
      '- [Blog](https://blog.example.org/)',
    ].join('\n');
    expect(parseLlmsTxt(text, baseUrl)).toEqual([
      'https://example.com/',
      'https://example.com/changelog',
      'https://example.com/docs/quickstart.md',
      'https://example.com/docs/api.md',
      'https://blog.example.org/',
    ]);
  });

  it('reads several links on one line and destinations in angle brackets or with parentheses', () => {
    const text = '- [A](/a) and [B](</b c>) and [Rust](https://en.wikipedia.org/wiki/Rust_(language))';
    expect(parseLlmsTxt(text, baseUrl)).toEqual([
      'https://example.com/a',
      'https://example.com/b%20c',
      'https://en.wikipedia.org/wiki/Rust_(language)',
    ]);
  });

  it('de-duplicates links that normalise to the same URL', () => {
    const text = '- [A](/a)\n- [A again](/a#details)\n- [A tracked](https://example.com/a?utm_source=llms)';
    expect(parseLlmsTxt(text, baseUrl)).toEqual(['https://example.com/a']);
  });

  it('leaves out links that are not http(s), images and links in code', () => {
    const text = [
      '- [Mail](mailto:team@example.com)',
      '- [Script](javascript:alert(1))',
      '- ![Logo](/logo.png)',
      '- `[not a link](/inline-code)`',
      '```markdown',
      '[example](/in-a-fence)',
      '```',
      '~~~~',
      '```',
      '[still fenced](/tilde-fence)',
      '~~~~',
      '- [Kept](/kept)',
    ].join('\n');
    expect(parseLlmsTxt(text, baseUrl)).toEqual(['https://example.com/kept']);
  });

  it('returns nothing for a file without links', () => {
    expect(parseLlmsTxt('', baseUrl)).toEqual([]);
    expect(parseLlmsTxt('# Title\n\nJust text, [brackets] and (parentheses).', baseUrl)).toEqual([]);
  });

  it('reads CRLF line ends', () => {
    expect(parseLlmsTxt('# T\r\n\r\n- [A](/a)\r\n- [B](/b)\r\n', baseUrl)).toEqual([
      'https://example.com/a',
      'https://example.com/b',
    ]);
  });

  it('rejects a base URL that is not http(s)', () => {
    expect(() => parseLlmsTxt('- [A](/a)', 'file:///llms.txt')).toThrow(ValidationError);
  });
});
