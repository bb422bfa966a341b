import type { TextChunk } from './document-types.ts';
import type { LineIndex } from './line-index.ts';
import type { TextSplitter } from './text-splitter-for.ts';

/** A stretch of a text to cut into chunks that all carry the same heading trail. */
export interface TextRegion {
  /** The whole text, which `lines` indexes. */
  text: string;
  lines: LineIndex;
  /** Offsets of the region: `text.slice(start, end)`. */
  start: number;
  end: number;
  headingPath: string[];
}

/**
 * Cuts one region into trimmed chunks of at most `maxCharacters`, each with the exact lines it spans.
 * A region that already fits is one chunk and never reaches the splitter (most short files and sections).
 * Whitespace-only pieces are dropped.
 */
export async function chunkRegion(
  region: TextRegion,
  maxCharacters: number,
  splitter: () => Promise<TextSplitter>,
): Promise<TextChunk[]> {
  const { text, start, end } = region;
  const first = firstNonSpace(text, start, end);
  if (first === -1) return [];
  const last = lastNonSpace(text, start, end);
  if (last - first + 1 <= maxCharacters) return [chunkAt(region, first, last + 1)];
  const body = text.slice(start, end);
  const pieces = await (await splitter()).splitText(body);
  const chunks: TextChunk[] = [];
  // Pieces come in order and, with overlap, each starts after the previous one's start: searching from
  // there finds the piece's own position (or an identical earlier copy, whose lines hold the same text).
  let searchFrom = 0;
  for (const piece of pieces) {
    const trimmed = piece.trim();
    if (trimmed === '') continue;
    let found = body.indexOf(trimmed, searchFrom);
    if (found === -1) found = body.indexOf(trimmed);
    if (found === -1) throw new Error('A text splitter returned a piece that is not part of its input.');
    chunks.push(chunkAt(region, start + found, start + found + trimmed.length));
    searchFrom = found + 1;
  }
  return chunks;
}

function chunkAt(region: TextRegion, start: number, end: number): TextChunk {
  return {
    text: region.text.slice(start, end),
    startLine: region.lines.lineAt(start),
    endLine: region.lines.lineAt(end - 1),
    headingPath: [...region.headingPath],
  };
}

function firstNonSpace(text: string, start: number, end: number): number {
  for (let index = start; index < end; index++) {
    if (!isSpace(text.charCodeAt(index))) return index;
  }
  return -1;
}

function lastNonSpace(text: string, start: number, end: number): number {
  for (let index = end - 1; index >= start; index--) {
    if (!isSpace(text.charCodeAt(index))) return index;
  }
  return -1;
}

/** The whitespace `String.prototype.trim` removes, so the fast path trims exactly like the splitter. */
function isSpace(code: number): boolean {
  return (
    code === 32 ||
    (code >= 9 && code <= 13) ||
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200a) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}
