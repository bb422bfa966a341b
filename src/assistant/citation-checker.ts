import { ValidationError } from '../core/errors/index.ts';

/** What checking the citations of one answer found. */
export interface CitationReport {
  /** Distinct valid source numbers, in order of first use. */
  cited: number[];
  /** References to sources that were not given; each was removed from the text. */
  removed: number;
  /** Sources were given (N > 0) but no valid citation remains: the answer is not grounded in them. */
  unsupported: boolean;
}

/** Longest marker content; bounds what is held back (`[source 1; source 2; source 3]` fits). */
const maxMarkerContent = 32;

/** Characters a marker's content can hold; anything else proves early that `[` opens plain text. */
const markerCharacter = /[\d ,;:^\-–—ceorsu]/i;

/** One reference: `^` or `source` prefix, number or range; three digits at most so `[2023]` is a year. */
const reference = String.raw`(?:\^|sources? *:? *)?\d{1,3}(?: *[-–—] *\d{1,3})?`;
const markerContent = new RegExp(`^ *${reference}(?: *[,;] *${reference})* *$`, 'i');
const referenceParts = /(\d{1,3})(?: *[-–—] *(\d{1,3}))?/g;

/** A character that makes a directly following `[n]` look like indexing (`array[0]`, `f(x)[1]`). */
const gluingCharacter = /[\p{L}\p{N}_)\]]/u;

/** Characters after a removed marker that make the space before it redundant (`foo [9].` → `foo.`). */
const closesPhrase = /[\s.,;:!?)\]}>'"”’»…*_]/;

type Mode =
  | { kind: 'prose' }
  | { kind: 'inline'; ticks: number }
  | { kind: 'fence'; fenceCharacter: string; length: number };

interface Marker {
  /** Index just past the closing bracket. */
  end: number;
  valid: number[];
  invalid: number;
  /** Directly after a word or `)`, or adjacent to a marker that was. */
  glued: boolean;
}

/** `undefined`: not a marker (plain text); `'wait'`: cannot tell until more text arrives. */
type MarkerScan = Marker | undefined | 'wait';

/** The source numbers of a marker's content (`1, 3-4` → [[1,1],[3,4]]), or undefined when it is none. */
function parseReferences(content: string): Array<[number, number]> | undefined {
  if (!markerContent.test(content)) return undefined;
  const ranges = [...content.matchAll(referenceParts)].map((match): [number, number] => {
    const from = Number(match[1]);
    return [from, match[2] === undefined ? from : Number(match[2])];
  });
  // A reversed range (`[3-1]`) reads like a score, not a citation.
  return ranges.every(([from, to]) => from <= to) ? ranges : undefined;
}

/** Splits references into the distinct valid numbers and the count of references outside 1..N. */
function resolveReferences(ranges: Array<[number, number]>, sourceCount: number) {
  const valid: number[] = [];
  let invalid = 0;
  for (const [from, to] of ranges) {
    if (from < 1 || to > sourceCount) invalid += 1;
    // Clipped to 1..N so that `[1-999]` costs at most N steps.
    for (let number = Math.max(from, 1); number <= Math.min(to, sourceCount); number += 1) {
      if (!valid.includes(number)) valid.push(number);
    }
  }
  return { valid, invalid };
}

/** Index of the first of `characters` in `text` at or after `from`, or `text.length`. */
function indexOfAny(text: string, characters: string, from: number): number {
  for (let index = from; index < text.length; index += 1) {
    if (characters.includes(text[index] ?? '')) return index;
  }
  return text.length;
}

/**
 * Checks `[n]` citation markers in an answer streamed as text deltas, against sources numbered 1..N.
 * Recognises `[3]`, `[1, 2]`, `[1; 2]`, `[1][2]`, `[1-3]`, `[1–3]`, `[^2]`, `[source 2]` and `【2】`;
 * rewrites each to the canonical `[1, 2]` holding only valid numbers, removes markers with none (and the
 * space they leave), and never touches code spans, code fences, links or indexing like `array[0]`.
 * Output is a pure function of the whole text: any split into deltas yields the same concatenation.
 */
export class CitationChecker {
  private readonly sourceCount: number;
  private readonly cited: number[] = [];
  private removed = 0;
  /** Input not yet decided; `cursor` is how much of it is. */
  private pending = '';
  private cursor = 0;
  private output = '';
  /** A trailing space held back because removing a following marker may drop it. */
  private heldSpace = '';
  private lastEmitted = '';
  private mode: Mode = { kind: 'prose' };
  /** Only spaces or tabs since the last line break: a fence can open or close here. */
  private atLineStart = true;
  private previousCharacter = '';
  /** The last characters shown, across drains: the word before a glued bracket decides code or citation. */
  private recent = '';
  /** The input just consumed was a marker; `gluedMarker` says whether that marker was glued. */
  private afterMarker = false;
  private gluedMarker = false;
  private finished = false;

  /** @param sourceCount how many numbered sources the model was given (0 when none). */
  constructor(sourceCount: number) {
    if (!Number.isSafeInteger(sourceCount) || sourceCount < 0) {
      throw new ValidationError(`sourceCount must be a whole number ≥ 0, got ${sourceCount}`);
    }
    this.sourceCount = sourceCount;
  }

  /** Feeds a text delta; returns the text that is safe to show now (markers held back until complete). */
  push(delta: string): string {
    if (this.finished) throw new ValidationError('push() was called after finish()');
    this.pending += delta;
    return this.drain(false);
  }

  /** Ends the stream; returns any held-back text. */
  finish(): string {
    if (this.finished) return '';
    const shown = this.drain(true) + this.heldSpace;
    this.heldSpace = '';
    this.finished = true;
    return shown;
  }

  /** The citations seen so far; final once `finish()` has been called. */
  report(): CitationReport {
    return {
      cited: [...this.cited],
      removed: this.removed,
      unsupported: this.sourceCount > 0 && this.cited.length === 0,
    };
  }

  private drain(final: boolean): string {
    while (this.cursor < this.pending.length) {
      const consumed = this.step(final);
      if (consumed === undefined) break;
      this.cursor += consumed;
    }
    this.pending = this.pending.slice(this.cursor);
    this.cursor = 0;
    const shown = this.output;
    this.output = '';
    return shown;
  }

  /** Decides what the text at the cursor is; returns how much was consumed, or undefined to wait. */
  private step(final: boolean): number | undefined {
    const at = this.cursor;
    const character = this.pending[at] ?? '';
    if (this.mode.kind === 'inline') return this.stepInline(at, final, this.mode.ticks);
    if (this.mode.kind === 'fence') return this.stepFence(at, final, this.mode);
    if (character === '`' || (character === '~' && this.atLineStart)) return this.openCode(at, final);
    if (character === '[' || character === '【') return this.stepBracket(at, final);
    return this.copy(at, Math.max(at + 1, indexOfAny(this.pending, '`~[【', at)));
  }

  /** A backtick run, or a tilde run at a line start: opens a fence (3+ at line start) or inline code. */
  private openCode(at: number, final: boolean): number | undefined {
    const length = this.codeRun(at, final);
    if (length === undefined) return undefined;
    const fenceCharacter = this.pending[at] ?? '';
    if (length >= 3 && this.atLineStart) this.mode = { kind: 'fence', fenceCharacter, length };
    else if (fenceCharacter === '`') this.mode = { kind: 'inline', ticks: length };
    return this.copy(at, at + length);
  }

  /**
   * Inside inline code: ends at a backtick run of the same length, or at a line break, so that a stray
   * backtick cannot switch off checking for the rest of the answer.
   */
  private stepInline(at: number, final: boolean, ticks: number): number | undefined {
    const character = this.pending[at];
    if (character === '\n') {
      this.mode = { kind: 'prose' };
      return 0;
    }
    if (character !== '`') return this.copy(at, indexOfAny(this.pending, '`\n', at));
    const length = this.codeRun(at, final);
    if (length === undefined) return undefined;
    if (length === ticks) this.mode = { kind: 'prose' };
    return this.copy(at, at + length);
  }

  /** Inside a fence: a run of the fence character at least as long, at a line start, closes it. */
  private stepFence(at: number, final: boolean, fence: Mode & { kind: 'fence' }): number | undefined {
    if (this.pending[at] !== fence.fenceCharacter) {
      return this.copy(at, indexOfAny(this.pending, fence.fenceCharacter, at));
    }
    const length = this.codeRun(at, final);
    if (length === undefined) return undefined;
    if (this.atLineStart && length >= fence.length) this.mode = { kind: 'prose' };
    return this.copy(at, at + length);
  }

  /** Length of the backtick or tilde run at `at`; undefined while the next delta may still extend it. */
  private codeRun(at: number, final: boolean): number | undefined {
    let end = at;
    while (this.pending[end] === this.pending[at]) end += 1;
    return end === this.pending.length && !final ? undefined : end - at;
  }

  private stepBracket(at: number, final: boolean): number | undefined {
    const marker = this.scanMarker(at, final);
    if (marker === 'wait') return undefined;
    if (marker === undefined) return this.copy(at, at + 1);
    return this.apply(marker, at);
  }

  /** Looks for the closing bracket within `maxMarkerContent` characters of allowed content. */
  private scanMarker(at: number, final: boolean): MarkerScan {
    const close = this.pending[at] === '[' ? ']' : '】';
    const limit = at + 2 + maxMarkerContent;
    for (let index = at + 1; index < Math.min(limit, this.pending.length); index += 1) {
      const character = this.pending[index] ?? '';
      if (character === close) return this.markerClosedAt(at, index, final);
      if (!markerCharacter.test(character)) return undefined;
    }
    return this.pending.length < limit && !final ? 'wait' : undefined;
  }

  private markerClosedAt(at: number, close: number, final: boolean): MarkerScan {
    const next = this.pending[close + 1];
    // The character after decides between a marker and a link, and how to tidy a removal; after a `.`
    // one more decides between a sentence end and a member access (`a[7].b`).
    if (next === undefined && !final) return 'wait';
    if (next === '.' && this.pending[close + 2] === undefined && !final) return 'wait';
    if (next === '(') return undefined;
    const content = this.pending.slice(at + 1, close);
    const ranges = parseReferences(content);
    if (ranges === undefined) return undefined;
    const resolved = resolveReferences(ranges, this.sourceCount);
    const glued = this.afterMarker ? this.gluedMarker : gluingCharacter.test(this.previousCharacter);
    // In prose, `exponentially[7]` is a made-up citation to remove; `items_list[7]`, `a.b[7]`, `f()[7]`,
    // `x[7] =` and `[0]` (sources start at 1) read as code and stay.
    const code = glued && !/[\^a-z]/i.test(content) && this.looksLikeIndexing(content, close);
    if (code && resolved.invalid > 0) return undefined;
    return { end: close + 1, glued, ...resolved };
  }

  /** Whether a bracket glued to the text before it reads as an index into something rather than a citation. */
  private looksLikeIndexing(content: string, close: number): boolean {
    if (content.trim() === '0') return true;
    const before = `${this.recent}${this.heldSpace}`;
    const word = /[\p{L}\p{N}_.()\]]*$/u.exec(before)?.[0] ?? '';
    if (word.length === 1 || /[_.\d]|\p{Ll}\p{Lu}|\([^)]*\)$|\]$/u.test(word)) return true;
    const next = this.pending[close + 1];
    const afterNext = this.pending[close + 2] ?? '';
    return next === '=' || next === '[' || (next === '.' && /\w/.test(afterNext));
  }

  private apply(marker: Marker, at: number): number {
    this.removed += marker.invalid;
    for (const number of marker.valid) if (!this.cited.includes(number)) this.cited.push(number);
    let end = marker.end;
    if (marker.valid.length > 0) this.emit(`[${marker.valid.join(', ')}]`);
    else if (this.dropsSpaceAfter(this.pending[end])) end += 1;
    this.previousCharacter = ']';
    this.afterMarker = true;
    this.gluedMarker = marker.glued;
    this.atLineStart = false;
    return end - at;
  }

  /**
   * Tidies the gap a removed marker leaves: drops the held space before it when punctuation, a space or
   * the end follows (`foo [9].` → `foo.`); at a line start, tells the caller to drop the space after it.
   */
  private dropsSpaceAfter(after: string | undefined): boolean {
    if (this.heldSpace !== '' && (after === undefined || closesPhrase.test(after))) {
      this.heldSpace = '';
      return false;
    }
    const lineStart = this.heldSpace === '' && (this.lastEmitted === '' || this.lastEmitted === '\n');
    return lineStart && (after === ' ' || after === '\t');
  }

  /** Copies input `[from, to)` to the output unchanged and tracks where it leaves the scanner. */
  private copy(from: number, to: number): number {
    const text = this.pending.slice(from, to);
    this.emit(text);
    const lineBreak = text.lastIndexOf('\n');
    const lineTail = text.slice(lineBreak + 1);
    this.atLineStart = (lineBreak >= 0 || this.atLineStart) && /^[ \t]*$/.test(lineTail);
    this.previousCharacter = text.at(-1) ?? this.previousCharacter;
    this.afterMarker = false;
    return to - from;
  }

  /** Appends to the output, holding back one trailing space that a following removal may drop. */
  private emit(text: string): void {
    if (text === '') return;
    const combined = this.heldSpace + text;
    const last = combined.at(-1) ?? '';
    this.heldSpace = last === ' ' || last === '\t' ? last : '';
    const shown = this.heldSpace === '' ? combined : combined.slice(0, -1);
    if (shown === '') return;
    this.output += shown;
    this.recent = `${this.recent}${shown}`.slice(-48);
    this.lastEmitted = shown.at(-1) ?? '';
  }
}

/** Checks the citations of a whole answer at once; same result as streaming it through a CitationChecker. */
export function checkCitations(answer: string, sourceCount: number): { text: string } & CitationReport {
  const checker = new CitationChecker(sourceCount);
  const text = checker.push(answer) + checker.finish();
  return { text, ...checker.report() };
}
