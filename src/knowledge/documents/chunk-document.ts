import { ValidationError } from '../../core/errors/index.ts';
import { memoise } from '../../core/memoise.ts';
import { chunkRegion } from './chunk-region.ts';
import { decodeText } from './decode-text.ts';
import type { ChunkOptions, DocumentSection, ParsedDocument, TextChunk } from './document-types.ts';
import { LineIndex } from './line-index.ts';
import { outlineMarkdown } from './outline-markdown.ts';
import { type TextSplitter, textSplitterFor } from './text-splitter-for.ts';

export type { ChunkOptions, ParsedDocument, TextChunk } from './document-types.ts';

/** Loaded on first use, so indexing code never pays for a DOM or a PDF reader. */
const htmlExtractor = memoise(() => import('./extract-html.ts'));
const pdfReader = memoise(() => import('./read-pdf.ts'));

/** Sizes after validation, with the overlap filled in. */
interface ChunkSizes {
  maxCharacters: number;
  overlapCharacters: number;
}

/**
 * Parses and chunks one file. Code and plain text are cut at language boundaries (functions, classes,
 * then blank lines, lines, words) with exact line ranges; Markdown and HTML first at their headings,
 * which become each chunk's heading trail; PDF page by page (lines are page numbers). Chunks are trimmed,
 * never empty, and never longer than `maxCharacters`: a longer line is cut inside the line.
 *
 * Throws `ValidationError` for invalid options, and for a PDF that cannot be read (`Cannot read PDF: …`).
 */
export async function chunkDocument(
  input: { path: string; bytes: Uint8Array; language: string },
  options: ChunkOptions,
): Promise<ParsedDocument> {
  const sizes = validSizes(options);
  const { language } = input;
  if (language === 'pdf') return chunkPdf(input.bytes, sizes);
  const decoded = decodeText(input.bytes);
  // `\r\n` → `\n` keeps every line number and keeps carriage returns out of chunk text.
  const text = decoded.text.includes('\r\n') ? decoded.text.replaceAll('\r\n', '\n') : decoded.text;
  const parsed =
    language === 'markdown'
      ? await chunkMarkdown(text, sizes)
      : language === 'html'
        ? await chunkHtml(text, sizes)
        : { chunks: await chunkSections(text, [wholeText()], language, sizes) };
  return { language, ...parsed, invalidBytes: decoded.invalidBytes };
}

async function chunkMarkdown(
  text: string,
  sizes: ChunkSizes,
): Promise<Omit<ParsedDocument, 'language' | 'invalidBytes'>> {
  const outline = outlineMarkdown(text);
  const chunks = await chunkSections(text, outline.sections, 'markdown', sizes);
  return outline.title === undefined ? { chunks } : { title: outline.title, chunks };
}

async function chunkHtml(
  html: string,
  sizes: ChunkSizes,
): Promise<Omit<ParsedDocument, 'language' | 'invalidBytes'>> {
  const { extractHtml } = await htmlExtractor();
  const extracted = await extractHtml(html);
  const chunks = await chunkSections(extracted.text, extracted.sections, 'text', sizes);
  return extracted.title === undefined ? { chunks } : { title: extracted.title, chunks };
}

async function chunkPdf(bytes: Uint8Array, sizes: ChunkSizes): Promise<ParsedDocument> {
  const { readPdf } = await pdfReader();
  const pdf = await readPdf(bytes);
  const chunks: TextChunk[] = [];
  for (const [index, pageText] of pdf.pages.entries()) {
    const page = index + 1;
    for (const chunk of await chunkSections(pageText, [wholeText([`page ${page}`])], 'text', sizes)) {
      chunks.push({ ...chunk, startLine: page, endLine: page });
    }
  }
  const parsed: ParsedDocument = { language: 'pdf', chunks, invalidBytes: 0 };
  if (pdf.title !== undefined) parsed.title = pdf.title;
  return parsed;
}

/** A section spanning the whole text, whatever its length (the line index bounds it). */
function wholeText(headingPath: string[] = []): DocumentSection {
  return { headingPath, startLine: 1, endLine: Number.POSITIVE_INFINITY };
}

async function chunkSections(
  text: string,
  sections: DocumentSection[],
  language: string,
  sizes: ChunkSizes,
): Promise<TextChunk[]> {
  const lines = new LineIndex(text);
  let splitter: Promise<TextSplitter> | undefined;
  const lazySplitter = (): Promise<TextSplitter> => {
    splitter ??= textSplitterFor(language, sizes.maxCharacters, sizes.overlapCharacters);
    return splitter;
  };
  const chunks: TextChunk[] = [];
  for (const section of sections) {
    const start = lines.startOf(section.startLine);
    const end = section.endLine >= lines.lineCount ? text.length : lines.startOf(section.endLine + 1);
    const region = { text, lines, start, end, headingPath: section.headingPath };
    chunks.push(...(await chunkRegion(region, sizes.maxCharacters, lazySplitter)));
  }
  return chunks;
}

function validSizes(options: ChunkOptions): ChunkSizes {
  const { maxCharacters, overlapCharacters = 0 } = options;
  if (!Number.isSafeInteger(maxCharacters) || maxCharacters < 1) {
    throw new ValidationError(`maxCharacters must be a whole number of at least 1, not ${maxCharacters}.`);
  }
  if (
    !Number.isSafeInteger(overlapCharacters) ||
    overlapCharacters < 0 ||
    overlapCharacters >= maxCharacters
  ) {
    throw new ValidationError(
      `overlapCharacters must be a whole number from 0 to maxCharacters - 1 (${maxCharacters - 1}), not ${overlapCharacters}.`,
    );
  }
  return { maxCharacters, overlapCharacters };
}
