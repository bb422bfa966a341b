import { identifierParts } from '../core/search/query-terms.ts';

/** A cited statement that shares no content word with any passage it cites. */
export interface WeakCitation {
  /** The statement, without its citation markers. */
  statement: string;
  cited: number[];
}

/** The outcome of checking that cited statements have something in common with their sources. */
export interface CitationSupport {
  /** Cited statements long enough to check. */
  checked: number;
  weak: WeakCitation[];
}

/** Words too common to show that a statement and a passage are about the same thing. */
const commonWords = new Set(
  'about after also and any are because been before being but can could did does doing done each for from had has have how into its just like may more most must not only other our out over same should some such than that the their them then there these they this those through too under use used uses using very was way were what when where which while who why will with would you your'.split(
    ' ',
  ),
);

const marker = /\[(\d+(?:\s*,\s*\d+)*)\]/g;

/**
 * Checks each cited statement of an answer (its text after citation checking, so markers are canonical
 * `[n]` / `[n, m]`) against the passages it cites: a statement with at least two content words that
 * shares none of them, nor their identifier parts, with any cited passage is reported as weak. This is a
 * lexical check: it cannot confirm that a passage supports a claim, but it catches citations attached to
 * statements about something else entirely, the most visible kind of wrong citation. Code blocks are skipped.
 */
export function checkCitationSupport(
  answer: string,
  sources: ReadonlyArray<{ n: number; text: string }>,
): CitationSupport {
  const passages = new Map(sources.map((source) => [source.n, contentWords(source.text)]));
  const support: CitationSupport = { checked: 0, weak: [] };
  for (const sentence of statements(answer)) {
    const cited = [...sentence.matchAll(marker)].flatMap((match) =>
      (match[1] ?? '').split(',').map((part) => Number(part.trim())),
    );
    if (cited.length === 0) continue;
    const statement = sentence
      .replace(marker, '')
      .replace(/\s+/g, ' ')
      .replace(/ ([.,;:!?])/g, '$1')
      .trim();
    const words = contentWords(statement);
    if (words.size < 2) continue;
    support.checked += 1;
    const shared = cited.some((n) => [...words].some((word) => passages.get(n)?.has(word)));
    if (!shared) support.weak.push({ statement, cited: [...new Set(cited)] });
  }
  return support;
}

/** Sentences and lines of prose, with fenced code blocks left out. */
function statements(answer: string): string[] {
  const prose = answer.replace(/^(```|~~~)[^\n]*\n[\s\S]*?(^\1[^\n]*$|(?![\s\S]))/gm, '\n');
  return prose.split(/(?<=[.!?])\s+|\n+/).filter((part) => part.trim() !== '');
}

/** Lowercased words of three letters or more, crudely stemmed, without common words; identifiers split too. */
export function contentWords(text: string): Set<string> {
  const words = new Set<string>();
  const all = `${text} ${identifierParts(text)}`.toLowerCase();
  for (const [word] of all.matchAll(/[\p{L}\p{N}_]{3,}/gu)) {
    if (commonWords.has(word)) continue;
    words.add(stem(word));
  }
  return words;
}

/** Strips the commonest English endings so `retries`, `retried` and `retrying` meet `retry`. */
function stem(word: string): string {
  return word
    .replace(/(ies|ied)$/, 'y')
    .replace(/(ing|ed|es|s)$/, '')
    .replace(/(.)\1$/, '$1');
}
