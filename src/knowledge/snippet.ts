import { identifierParts } from '../core/search/query-terms.ts';

/** A short passage of a hit with the places that match the query. */
export interface Snippet {
  text: string;
  /** `[start, end)` character offsets in `text` of words that match a query term. */
  highlights: Array<[number, number]>;
}

const snippetLength = 240;

/** True when `word` is a form of `term` (shared stem: `retries` ~ `retry`, `policy` ~ `policies`). */
function matchesTerm(word: string, term: string): boolean {
  const stem = term.length > 4 ? term.slice(0, Math.max(4, term.length - 2)) : term;
  return word === term || (term.length > 3 && word.startsWith(stem));
}

/** A word matches when it, or a part of it as an identifier (`retryWithBackoff`), is a query term. */
function wordMatches(word: string, terms: string[]): boolean {
  const candidates = [word.toLowerCase(), ...identifierParts(word).split(' ').filter(Boolean)];
  return candidates.some((candidate) => terms.some((term) => matchesTerm(candidate, term)));
}

/**
 * Picks the window of `text` (about 240 characters, cut at word boundaries) holding the most query-term
 * matches, and marks them. Works on any hit, keyword or vector, so every adapter gets the same snippets.
 */
export function buildSnippet(text: string, terms: string[]): Snippet {
  const words = [...text.matchAll(/[\p{L}\p{N}_]+/gu)].map((match) => ({
    start: match.index,
    end: match.index + match[0].length,
    hit: wordMatches(match[0], terms),
  }));
  let bestStart = 0;
  let bestCount = -1;
  for (const [position, word] of words.entries()) {
    if (!word.hit && position !== 0) continue;
    const windowEnd = word.start + snippetLength;
    const count = words.filter(
      (other) => other.hit && other.start >= word.start && other.end <= windowEnd,
    ).length;
    if (count > bestCount) {
      bestCount = count;
      bestStart = position === 0 ? 0 : Math.max(0, lineStartBefore(text, word.start, 60));
    }
  }
  const end = Math.min(text.length, wordBoundaryAfter(text, bestStart + snippetLength));
  const highlights = words
    .filter((word) => word.hit && word.start >= bestStart && word.end <= end)
    .map((word): [number, number] => [word.start - bestStart, word.end - bestStart]);
  const collapsed = text.slice(bestStart, end);
  return {
    text: `${bestStart > 0 ? '…' : ''}${collapsed}${end < text.length ? '…' : ''}`,
    highlights: bestStart > 0 ? highlights.map(([from, to]) => [from + 1, to + 1]) : highlights,
  };
}

/** Backs up to `slack` characters to the previous space or line start, so the snippet opens on a word. */
function lineStartBefore(text: string, index: number, slack: number): number {
  const floor = Math.max(0, index - slack);
  for (let position = index - 1; position >= floor; position -= 1) {
    if (text[position] === '\n') return position + 1;
  }
  const space = text.lastIndexOf(' ', index - 1);
  return space >= floor ? space + 1 : index;
}

function wordBoundaryAfter(text: string, index: number): number {
  if (index >= text.length) return text.length;
  const space = text.indexOf(' ', index);
  return space === -1 || space - index > 30 ? index : space;
}

/** Renders a snippet on one line with its matches wrapped in `open`/`close` (ANSI bold, or `**`). */
export function renderSnippet(snippet: Snippet, open: string, close: string): string {
  let result = '';
  let cursor = 0;
  for (const [start, end] of snippet.highlights) {
    result += snippet.text.slice(cursor, start) + open + snippet.text.slice(start, end) + close;
    cursor = end;
  }
  return (result + snippet.text.slice(cursor)).replace(/\s+/g, ' ').trim();
}
