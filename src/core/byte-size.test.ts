import { describe, expect, it } from 'vitest';
import { formatByteSize, parseByteSize } from './byte-size.ts';

describe('byte sizes', () => {
  it('parses binary and decimal units', () => {
    expect(parseByteSize('2GiB')).toBe(2 * 1024 ** 3);
    expect(parseByteSize('500 MB')).toBe(500e6);
    expect(parseByteSize('1048576')).toBe(1048576);
    expect(parseByteSize('1.5 kib')).toBe(1536);
    expect(parseByteSize('lots')).toBeUndefined();
    expect(parseByteSize('5 parsecs')).toBeUndefined();
  });

  it('formats for people', () => {
    expect(formatByteSize(512)).toBe('512 B');
    expect(formatByteSize(2 * 1024 ** 3)).toBe('2.0 GiB');
  });
});
