import type { TemplatePathSegment } from './template-finding.ts';

/** A template read into plain values, with `!Ref`-style short forms turned into their long form. */
export interface ParsedTemplate {
  /** The top-level value (rules skip what is not a mapping; `template-structure` reports it). */
  body: unknown;
  /** 1-based line and column of the entry at `path` (its key, for a mapping entry), or of its nearest ancestor. */
  locate(path: readonly TemplatePathSegment[]): { line: number; column: number } | undefined;
}

/** Why a text is not a template at all, with the position of the problem when there is one. */
export interface TemplateSyntaxProblem {
  message: string;
  line?: number;
  column?: number;
}

/** Either a parsed template or the syntax problems that stopped parsing. */
export type TemplateParseResult =
  | { ok: true; template: ParsedTemplate }
  | { ok: false; problems: TemplateSyntaxProblem[] };

/** Real templates nest a few dozen levels at most; the limit keeps every rule's walk off the stack's edge. */
export const maxNestingDepth = 100;

/** The problem reported for a template nested deeper than {@link maxNestingDepth}. */
export const tooDeepMessage = `The template nests values more than ${maxNestingDepth} levels deep; no real template does.`;

/** Turns offsets into 1-based lines and columns, with a binary search over line starts. */
export function lineLocator(text: string): (offset: number) => { line: number; column: number } {
  const starts = [0];
  for (let index = text.indexOf('\n'); index >= 0; index = text.indexOf('\n', index + 1))
    starts.push(index + 1);
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((starts[middle] ?? 0) <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - (starts[low] ?? 0) + 1 };
  };
}
