import { describe, expect, it } from 'vitest';
import { LineIndex } from './line-index.ts';

describe('LineIndex', () => {
  const text = 'first\nsecond\n\nfourth';
  const lines = new LineIndex(text);

  it('maps offsets to 1-based lines, a newline belonging to the line it ends', () => {
    expect(lines.lineAt(0)).toBe(1);
    expect(lines.lineAt(5)).toBe(1);
    expect(lines.lineAt(6)).toBe(2);
    expect(lines.lineAt(13)).toBe(3);
    expect(lines.lineAt(14)).toBe(4);
    expect(lines.lineAt(text.length - 1)).toBe(4);
  });

  it('maps lines back to their first offset', () => {
    expect(lines.lineCount).toBe(4);
    expect(lines.startOf(1)).toBe(0);
    expect(lines.startOf(4)).toBe(14);
    expect(lines.startOf(5)).toBe(text.length);
  });

  it('treats an empty text as one empty line', () => {
    expect(new LineIndex('').lineCount).toBe(1);
    expect(new LineIndex('').lineAt(0)).toBe(1);
  });
});
