import type { CodeLanguage } from './languages.ts';

/** The code found in a reply. */
export interface ExtractedCode {
  /** The block's content exactly as written (fence indentation removed), ending in exactly one newline. */
  code: string;
  /** The language word of the chosen block's info string (`python`), or `''` for an untagged block. */
  tag: string;
  /** The reply's prose outside every fenced block, when there is any. */
  explanation?: string;
}

/**
 * Why a reply holds no usable code: no fenced block at all, only blocks with nothing in them, or a block
 * that was never closed, which means the answer was cut off (usually at the model's output-token limit).
 */
export type MissingCodeReason = 'no-block' | 'empty-block' | 'truncated';

/** No usable code in a reply; `code` is `undefined` so callers can narrow on it. */
export interface MissingCode {
  code: undefined;
  reason: MissingCodeReason;
}

/** What {@link extractCode} found. */
export type CodeExtraction = ExtractedCode | MissingCode;

/** One fenced block as parsed from the reply. */
interface FencedBlock {
  tag: string;
  content: string;
  closed: boolean;
  /** Index of the closing fence line (or the last line when unclosed). */
  endLine: number;
}

interface OpeningFence {
  indent: number;
  marker: string;
  tag: string;
}

// Any run of three or more backticks or tildes; models indent fences inside list items, so any indentation
// is accepted, unlike CommonMark's three spaces.
const openingPattern = /^([ \t]*)(`{3,}|~{3,})(.*)$/;
// Reasoning models served through OpenAI-compatible endpoints may put drafts (with fences) in think tags.
const thinkingPattern = /<think>[\s\S]*?(?:<\/think>|$)/g;

/**
 * Finds the code in a model's reply. Preference: the longest non-empty block tagged with the language or
 * one of its aliases; otherwise the first untagged block; otherwise the longest block. Both ``` and ~~~
 * fences of any length from three work, and the info string may carry more words (```` ```ts title=a.ts ````).
 *
 * A block that is never closed makes the whole reply `truncated`, even when an earlier block is complete:
 * the model was asked for one block, so a cut-off second one may hold the rest of the program, and storing
 * half a program as if it were done is the failure this module exists to prevent.
 */
export function extractCode(reply: string, language: CodeLanguage): CodeExtraction {
  const lines = reply.replace(thinkingPattern, '').replace(/\r\n?/g, '\n').split('\n');
  const { blocks, prose } = parseBlocks(lines);
  // A lone fence with nothing after it is a stray marker, not a cut-off program.
  const unclosed = blocks.find((block) => !block.closed && block.content.trim() !== '');
  if (unclosed) return { code: undefined, reason: 'truncated' };
  if (blocks.length === 0) return { code: undefined, reason: 'no-block' };
  const chosen = chooseBlock(
    blocks.filter((block) => block.closed && block.content.trim() !== ''),
    language,
  );
  if (!chosen) return { code: undefined, reason: 'empty-block' };
  const explanation = prose
    .join('\n')
    .trim()
    .replace(/\n{3,}/g, '\n\n');
  return {
    code: normaliseCode(chosen.content),
    tag: chosen.tag,
    ...(explanation === '' ? {} : { explanation }),
  };
}

/** Splits the lines into fenced blocks and the prose lines outside them. */
function parseBlocks(lines: string[]): { blocks: FencedBlock[]; prose: string[] } {
  const blocks: FencedBlock[] = [];
  const prose: string[] = [];
  let index = 0;
  while (index < lines.length) {
    const line = lines[index] ?? '';
    const opening = parseOpening(line);
    if (!opening) {
      prose.push(line);
      index += 1;
      continue;
    }
    const block = readBlock(lines, index, opening);
    blocks.push(block);
    index = block.endLine + 1;
  }
  return { blocks, prose };
}

function parseOpening(line: string): OpeningFence | undefined {
  const match = openingPattern.exec(line);
  if (!match) return undefined;
  const [, indent = '', marker = '', info = ''] = match;
  // A backtick "fence" whose info string holds a backtick is inline code on one line (```x``` ).
  if (marker.startsWith('`') && info.includes('`')) return undefined;
  return { indent: indent.length, marker, tag: tagOf(info) };
}

/** The language word of an info string: `{.python}`, `language-python`, `python:app.py` → `python`. */
function tagOf(info: string): string {
  const word = info.trim().split(/\s+/)[0] ?? '';
  const bare = word
    .toLowerCase()
    .replace(/^[{.]+/, '')
    .replace(/^language-/, '');
  return bare.split(/[:,{}]/)[0] ?? '';
}

/** Reads from the opening fence at `start` to its closing fence, or to the end of the reply. */
function readBlock(lines: string[], start: number, opening: OpeningFence): FencedBlock {
  const content: string[] = [];
  for (let index = start + 1; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    if (isClosing(line, opening)) {
      return { tag: opening.tag, content: content.join('\n'), closed: true, endLine: index };
    }
    content.push(removeIndent(line, opening.indent));
  }
  return { tag: opening.tag, content: content.join('\n'), closed: false, endLine: lines.length - 1 };
}

/** A closing fence: the same character, at least as long, nothing else on the line, not indented deeper. */
function isClosing(line: string, opening: OpeningFence): boolean {
  const trimmed = line.trim();
  const character = opening.marker.charAt(0);
  if (trimmed.length < opening.marker.length || !/^(`+|~+)$/.test(trimmed)) return false;
  if (trimmed.charAt(0) !== character) return false;
  const indent = line.length - line.trimStart().length;
  return indent <= Math.max(3, opening.indent);
}

/** Removes up to the fence's own indentation, as CommonMark does, so code nested in a list keeps its shape. */
function removeIndent(line: string, width: number): string {
  let removed = 0;
  while (removed < width && (line[removed] === ' ' || line[removed] === '\t')) removed += 1;
  return line.slice(removed);
}

function chooseBlock(blocks: FencedBlock[], language: CodeLanguage): FencedBlock | undefined {
  const tagged = blocks.filter((block) => language.fences.includes(block.tag));
  // Several blocks in the language are usually the program plus a short usage example: keep the program.
  if (tagged.length > 0) return longest(tagged);
  return blocks.find((block) => block.tag === '') ?? longest(blocks);
}

function longest(blocks: FencedBlock[]): FencedBlock | undefined {
  let best: FencedBlock | undefined;
  for (const block of blocks) if (!best || block.content.length > best.content.length) best = block;
  return best;
}

/** Drops blank lines around the code and ends it with exactly one newline; indentation is untouched. */
function normaliseCode(content: string): string {
  return `${content.replace(/^(?:[ \t]*\n)+/, '').trimEnd()}\n`;
}
