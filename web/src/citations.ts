/**
 * Turns citation markers such as `[1]` or `[1, 2]` in an answer's Markdown into links with a
 * `#cite-N` href, which the Markdown renderer shows as buttons that open the source viewer.
 * Markers inside code (fenced blocks and inline code spans) and numbers that match no source
 * are left as they are, so `items[0]` in a code sample never becomes a button.
 */

/** The href prefix of a citation link. */
export const CITATION_HREF_PREFIX = '#cite-';

// `[1]`, `[1, 2]`, `[1,2,3]`; not `[1](…)` (already a link) and not `\[1]` (escaped).
const CITATION_MARKER = /(?<!\\)\[(\d+(?:\s*,\s*\d+)*)\](?!\()/g;
const FENCE_OPENING = /^ {0,3}(`{3,}|~{3,})/;
const INLINE_CODE = /(`+)[\s\S]*?[^`]\1(?!`)|(`+)\2(?!`)/g;

/** The href of the citation link for source number `n`. */
export function citationHref(n: number): string {
  return `${CITATION_HREF_PREFIX}${n}`;
}

/** The source number of a citation href, or undefined when the href is not one. */
export function citationNumberFromHref(href: string | undefined): number | undefined {
  if (!href?.startsWith(CITATION_HREF_PREFIX)) return undefined;
  const digits = href.slice(CITATION_HREF_PREFIX.length);
  return /^\d+$/.test(digits) ? Number(digits) : undefined;
}

/** Replaces the citation markers of `markdown` whose numbers are all in `knownNumbers` by links. */
export function linkCitationMarkers(markdown: string, knownNumbers: ReadonlySet<number>): string {
  if (knownNumbers.size === 0) return markdown;
  let openFence: string | undefined;
  const lines = markdown.split('\n').map((line) => {
    const fence = FENCE_OPENING.exec(line)?.[1];
    if (openFence !== undefined) {
      if (fence !== undefined && closesFence(fence, openFence, line)) openFence = undefined;
      return line;
    }
    if (fence !== undefined) {
      openFence = fence;
      return line;
    }
    return linkOutsideInlineCode(line, knownNumbers);
  });
  return lines.join('\n');
}

function closesFence(fence: string, openFence: string, line: string): boolean {
  return fence[0] === openFence[0] && fence.length >= openFence.length && line.trim() === fence;
}

function linkOutsideInlineCode(line: string, knownNumbers: ReadonlySet<number>): string {
  let result = '';
  let position = 0;
  for (const code of line.matchAll(INLINE_CODE)) {
    result += linkMarkers(line.slice(position, code.index), knownNumbers) + code[0];
    position = code.index + code[0].length;
  }
  return result + linkMarkers(line.slice(position), knownNumbers);
}

function linkMarkers(text: string, knownNumbers: ReadonlySet<number>): string {
  return text.replace(CITATION_MARKER, (marker, group: string) => {
    const numbers = group.split(',').map((part) => Number(part.trim()));
    if (!numbers.every((n) => knownNumbers.has(n))) return marker;
    return numbers.map((n) => `[${n}](${citationHref(n)})`).join('');
  });
}
