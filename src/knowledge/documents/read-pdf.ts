import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { ValidationError } from '../../core/errors/index.ts';

/** The text of a PDF, page by page. */
export interface PdfText {
  /** The document's Title (XMP `dc:title` or the Info dictionary), when it has one. */
  title?: string;
  /** `pages[0]` is page 1; line breaks are kept where the PDF ends a line. */
  pages: string[];
}

/** A PDF that takes longer than this is given up rather than left to block indexing. */
const readTimeoutMilliseconds = 60_000;

/**
 * Extracts the text of every page of a PDF with pdf.js, without network access: character maps and the
 * standard fonts come from the `pdfjs-dist` package on disk. A damaged, encrypted or unreadable file is a
 * `ValidationError` whose message starts with `Cannot read PDF:`.
 */
export async function readPdf(bytes: Uint8Array): Promise<PdfText> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const packageFolder = pdfjsFolder();
  const task = pdfjs.getDocument({
    // pdf.js takes ownership of (detaches) the buffer it is given; the caller keeps its own bytes.
    data: bytes.slice(),
    cMapUrl: `${packageFolder}/cmaps/`,
    standardFontDataUrl: `${packageFolder}/standard_fonts/`,
    wasmUrl: `${packageFolder}/wasm/`,
    isEvalSupported: false,
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`it took longer than ${readTimeoutMilliseconds / 1000} s`)),
      readTimeoutMilliseconds,
    );
  });
  try {
    return await Promise.race([readPages(await Promise.race([task.promise, timeout])), timeout]);
  } catch (error) {
    throw new ValidationError(`Cannot read PDF: ${reasonOf(error)}.`, {
      cause: error,
      hint: 'Check that the file opens in a PDF viewer; encrypted PDFs must be decrypted before indexing.',
    });
  } finally {
    clearTimeout(timer);
    await task.destroy();
  }
}

type PdfDocument = Awaited<
  ReturnType<typeof import('pdfjs-dist/legacy/build/pdf.mjs').getDocument>['promise']
>;

async function readPages(document: PdfDocument): Promise<PdfText> {
  const pages: string[] = [];
  for (let number = 1; number <= document.numPages; number++) {
    const page = await document.getPage(number);
    const content = await page.getTextContent();
    let text = '';
    for (const item of content.items) {
      if (!('str' in item)) continue;
      text += item.str;
      if (item.hasEOL) text += '\n';
    }
    pages.push(text);
    page.cleanup();
  }
  const title = await titleOf(document);
  return title === undefined ? { pages } : { title, pages };
}

async function titleOf(document: PdfDocument): Promise<string | undefined> {
  const { info, metadata } = await document.getMetadata();
  const candidates = [metadata?.get('dc:title'), (info as { Title?: unknown }).Title];
  for (const candidate of candidates) {
    if (typeof candidate === 'string' && candidate.trim() !== '') return candidate.trim();
  }
  return undefined;
}

function pdfjsFolder(): string {
  return dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
}

function reasonOf(error: unknown): string {
  const name = error instanceof Error ? error.name : '';
  if (name === 'PasswordException') return 'it is encrypted with a password';
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\.$/, '') || 'unknown error';
}
