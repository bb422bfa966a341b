import { describe, expect, it } from 'vitest';
import { sniffHtmlCharset } from './sniff-charset.ts';

const bytes = (text: string) => Buffer.from(text, 'latin1');

describe('sniffHtmlCharset', () => {
  it('reads <meta charset> and the http-equiv form', () => {
    expect(sniffHtmlCharset(bytes('<html><head><meta charset="windows-1252">'))).toBe('windows-1252');
    expect(
      sniffHtmlCharset(
        bytes('<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1"><title>x</title>'),
      ),
    ).toBe('iso-8859-1');
    expect(sniffHtmlCharset(bytes("<META CHARSET='Shift_JIS'>"))).toBe('shift_jis');
  });

  it('gives nothing for UTF-8, no declaration, or a byte-order mark', () => {
    expect(sniffHtmlCharset(bytes('<meta charset="utf-8">'))).toBeUndefined();
    expect(sniffHtmlCharset(bytes('<p>no declaration</p>'))).toBeUndefined();
    expect(
      sniffHtmlCharset(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes('<meta charset="latin1">')])),
    ).toBeUndefined();
  });
});
