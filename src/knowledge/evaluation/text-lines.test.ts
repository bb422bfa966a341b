import { describe, expect, it } from 'vitest';
import { textLines } from './text-lines.ts';

async function linesOf(pieces: Array<string | Uint8Array>): Promise<string[]> {
  async function* chunks() {
    for (const piece of pieces) yield typeof piece === 'string' ? Buffer.from(piece) : piece;
  }
  const lines: string[] = [];
  for await (const line of textLines(chunks())) lines.push(line);
  return lines;
}

describe('textLines', () => {
  it('splits on \\n and \\r\\n, keeps empty lines, and yields a last line without an ending', async () => {
    expect(await linesOf(['one\r\ntwo\n\nthree'])).toEqual(['one', 'two', '', 'three']);
    expect(await linesOf(['one\n'])).toEqual(['one']);
    expect(await linesOf([])).toEqual([]);
  });

  it('joins lines and characters split across chunks', async () => {
    const bytes = Buffer.from('caf\u00e9 \ud83c\udf4e\nnext');
    // Cut inside "é" (2 bytes) and inside the emoji (4 bytes).
    const pieces = [bytes.subarray(0, 4), bytes.subarray(4, 8), bytes.subarray(8, 11), bytes.subarray(11)];
    expect(await linesOf(pieces)).toEqual(['caf\u00e9 \ud83c\udf4e', 'next']);
    expect(await linesOf(['a\r', '\nb'])).toEqual(['a', 'b']);
  });

  it('drops a byte-order mark, even when it arrives in pieces', async () => {
    const bom = Buffer.from('\ufeffline');
    expect(await linesOf([bom.subarray(0, 1), bom.subarray(1)])).toEqual(['line']);
    expect(await linesOf(['first\n\ufeffsecond'])).toEqual(['first', '\ufeffsecond']);
  });
});
