import { describe, expect, it } from 'vitest';
import { buildSnippet, renderSnippet } from './snippet.ts';

describe('buildSnippet', () => {
  it('picks the window with the most matches and marks word forms and identifier parts', () => {
    const filler = 'Unrelated filler sentence about nothing in particular. '.repeat(10);
    const text = `${filler}Retries use retryWithBackoff and the retry policy applies.\n${filler}`;
    const snippet = buildSnippet(text, ['retry', 'policy']);
    expect(snippet.text.startsWith('…')).toBe(true);
    expect(renderSnippet(snippet, '[', ']')).toContain(
      '[Retries] use [retryWithBackoff] and the [retry] [policy]',
    );
  });

  it('starts at the beginning when nothing matches', () => {
    const snippet = buildSnippet('short text', ['absent']);
    expect(snippet).toEqual({ text: 'short text', highlights: [] });
  });
});
