import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors/index.ts';
import { minimalPdf } from './minimal-pdf.test-support.ts';
import { readPdf } from './read-pdf.ts';

describe('readPdf', () => {
  it('extracts the text of each page, keeping line breaks, and the title', async () => {
    const pdf = minimalPdf([['Quarry manual', 'Chapter one'], ['Second page text']], {
      title: 'Quarry Manual',
    });
    const result = await readPdf(pdf);
    expect(result.title).toBe('Quarry Manual');
    expect(result.pages).toHaveLength(2);
    expect(result.pages[0]).toMatch(/^Quarry manual\nChapter one\s*$/);
    expect(result.pages[1]?.trim()).toBe('Second page text');
  });

  it('has no title when the PDF has none', async () => {
    expect((await readPdf(minimalPdf([['Untitled']]))).title).toBeUndefined();
  });

  it('leaves the caller’s bytes usable', async () => {
    const pdf = minimalPdf([['Reusable']]);
    await readPdf(pdf);
    expect(pdf.byteLength).toBeGreaterThan(0);
    expect((await readPdf(pdf)).pages[0]?.trim()).toBe('Reusable');
  });

  it.each([
    ['garbage after the signature', new TextEncoder().encode('%PDF-1.4\nthis is not a PDF at all\n%%EOF\n')],
    ['no PDF at all', new Uint8Array([1, 2, 3, 4])],
    ['a truncated file', minimalPdf([['Cut short']]).slice(0, 120)],
  ])('rejects %s with a clear error', async (_, bytes) => {
    const error = await readPdf(bytes).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/^Cannot read PDF: /);
  });
});
