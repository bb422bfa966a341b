import { describe, expect, it } from 'vitest';
import { decodeText } from './decode-text.ts';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('decodeText', () => {
  it('decodes valid UTF-8 with no invalid bytes', () => {
    expect(decodeText(encode('héllo wörld ✓ 🚀'))).toEqual({ text: 'héllo wörld ✓ 🚀', invalidBytes: 0 });
  });

  it('strips a UTF-8 byte-order mark', () => {
    expect(decodeText(new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0x62]))).toEqual({
      text: 'ab',
      invalidBytes: 0,
    });
  });

  it('replaces and counts invalid sequences instead of throwing', () => {
    // A Latin-1 "é", a stray continuation byte and a truncated three-byte sequence at the end.
    const bytes = new Uint8Array([0x63, 0x61, 0x66, 0xe9, 0x20, 0x80, 0x21, 0xe2, 0x82]);
    expect(decodeText(bytes)).toEqual({ text: 'caf\uFFFD \uFFFD!\uFFFD', invalidBytes: 3 });
  });

  it('does not count replacement characters that were in the file', () => {
    const bytes = new Uint8Array([...encode('ok \uFFFD '), 0xff]);
    expect(decodeText(bytes)).toEqual({ text: 'ok \uFFFD \uFFFD', invalidBytes: 1 });
  });

  it('decodes UTF-16 files that start with a byte-order mark', () => {
    const littleEndian = new Uint8Array([0xff, 0xfe, 0x68, 0x00, 0x69, 0x00]);
    const bigEndian = new Uint8Array([0xfe, 0xff, 0x00, 0x68, 0x00, 0x69]);
    expect(decodeText(littleEndian)).toEqual({ text: 'hi', invalidBytes: 0 });
    expect(decodeText(bigEndian)).toEqual({ text: 'hi', invalidBytes: 0 });
  });

  it('decodes an empty file to empty text', () => {
    expect(decodeText(new Uint8Array())).toEqual({ text: '', invalidBytes: 0 });
  });
});
