import { identifierParts } from '../core/search/query-terms.ts';

/** A short passage of a hit with the places that match the query. */
export interface Snippet {
  text: string;
  /** `[start, end)` character offsets in `text` of words that match a query term. */
  highlights: Array<[number, number]>;
}

const snippetLength = 240;

/** A query term and the stem its other forms share (`retries` ~ `retry`, `policy` ~ `policies`). */
interface PreparedTerm {
  term: string;
  /** `undefined` for terms of 3 characters or less, which only match exactly. */
  stem: string | undefined;
}

function prepareTerms(terms: string[]): PreparedTerm[] {
  return terms.map((term) => ({
    term,
    stem:
      term.length > 3 ? (term.length > 4 ? term.slice(0, Math.max(4, term.length - 2)) : term) : undefined,
  }));
}

function matchesAnyTerm(word: string, terms: PreparedTerm[]): boolean {
  return terms.some(({ term, stem }) => word === term || (stem !== undefined && word.startsWith(stem)));
}

/** Only words with a capital inside or an underscore can be compound identifiers worth splitting. */
const mayBeCompound = /[a-z0-9][A-Z]|[A-Z]{2}|_/;

/**
 * A matcher that says whether a word matches, remembering each distinct word's answer: a passage repeats
 * its words, and splitting identifiers is the costly part.
 */
function wordMatcher(terms: string[]): (word: string) => boolean {
  const prepared = prepareTerms(terms);
  const known = new Map<string, boolean>();
  return (word) => {
    let hit = known.get(word);
    if (hit === undefined) {
      const lower = word.toLowerCase();
      hit = matchesAnyTerm(lower, prepared);
      // A part of an identifier is a piece of the word, so a word holding no term (or stem) has no such part.
      if (
        !hit &&
        mayBeCompound.test(word) &&
        prepared.some(({ term, stem }) => lower.includes(stem ?? term))
      ) {
        hit = identifierParts(word)
          .split(' ')
          .some((part) => part !== '' && matchesAnyTerm(part, prepared));
      }
      known.set(word, hit);
    }
    return hit;
  };
}

interface SnippetWord {
  start: number;
  end: number;
  hit: boolean;
}

/**
 * Picks the window of `text` (about 240 characters, cut at word boundaries) holding the most query-term
 * matches, and marks them. Works on any hit, keyword or vector, so every adapter gets the same snippets.
 */
export function buildSnippet(text: string, terms: string[]): Snippet {
  const matches = wordMatcher(terms);
  const words: SnippetWord[] = [...text.matchAll(/[\p{L}\p{N}_]+/gu)].map((match) => ({
    start: match.index,
    end: match.index + match[0].length,
    hit: matches(match[0]),
  }));
  const bestStart = bestWindowStart(text, words);
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

/**
 * Where the best window starts: the text's start, or the line or word start just before the matching
 * word that opens the window with the most matches (the earliest such word on ties). One pass with two
 * pointers over the matching words.
 */
function bestWindowStart(text: string, words: SnippetWord[]): number {
  const hits = words.filter((word) => word.hit);
  const countFrom = (first: number, from: number): number => {
    let last = first;
    while (last < hits.length && (hits[last]?.end ?? Infinity) <= from + snippetLength) last += 1;
    return last;
  };
  // The window at the very start (also the answer when nothing matches).
  let bestCount = countFrom(0, words[0]?.start ?? 0);
  let bestStart = 0;
  let last = 0;
  for (let first = 0; first < hits.length; first += 1) {
    const word = hits[first];
    if (word === undefined || (first === 0 && word === words[0])) continue;
    last = countFrom(Math.max(last, first), word.start);
    if (last - first > bestCount) {
      bestCount = last - first;
      bestStart = Math.max(0, lineStartBefore(text, word.start, 60));
    }
  }
  return bestStart;
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
