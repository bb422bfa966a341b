import { describe, expect, it } from 'vitest';
import { formatBytes, formatLineRange } from './format.ts';

describe('formatBytes', () => {
  it('picks a readable unit', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(812)).toBe('812 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(23 * 1024 * 1024)).toBe('23 MB');
    expect(formatBytes(-1)).toBe('–');
  });

  it('formats line ranges', () => {
    expect(formatLineRange(3, 3)).toBe('L3');
    expect(formatLineRange(3, 9)).toBe('L3–9');
  });
});
