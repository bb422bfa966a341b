/** One passage of a parsed document, with where it came from. */
export interface TextChunk {
  text: string;
  /**
   * 1-based, inclusive, lines of the original file. For HTML: lines of the text extracted from the page
   * (one block per paragraph, list item, table row or code line, blocks separated by a blank line). For
   * PDF: page numbers (`startLine === endLine`).
   */
  startLine: number;
  endLine: number;
  /** Heading trail for Markdown/HTML/PDF (e.g. ['Install', 'From source'] or ['page 3']); [] for code. */
  headingPath: string[];
}

/** A file turned into chunks. */
export interface ParsedDocument {
  language: string;
  /** The first H1 of Markdown, the article or `<title>` of HTML, the Title entry of a PDF. */
  title?: string;
  chunks: TextChunk[];
  /** Invalid bytes replaced while decoding (see `decodeText`); always 0 for PDF. */
  invalidBytes: number;
}

/** How large chunks may be. */
export interface ChunkOptions {
  /** No chunk is longer than this (a positive whole number). */
  maxCharacters: number;
  /** Characters a chunk may repeat from the end of the previous one; 0 (the default) for none. */
  overlapCharacters?: number;
}

/** A run of lines under one heading trail (lines are 1-based and inclusive). */
export interface DocumentSection {
  headingPath: string[];
  startLine: number;
  endLine: number;
}
