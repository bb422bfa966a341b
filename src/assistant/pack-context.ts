import { ValidationError } from '../core/errors/index.ts';

/** How to pack ranked passages into a model's context. */
export interface PackContextOptions<T> {
  /** Tokens the packed text may use, separators included. ≤ 0 packs nothing. */
  budgetTokens: number;
  /** The model's tokenizer when there is one, else `estimateTokens`. */
  countTokens: (text: string) => number;
  /** Renders a passage as the model sees it, numbered `n` (1-based) so it can cite `[n]`. */
  render: (item: T, n: number) => string;
  /** Placed between rendered passages; its tokens count against the budget. Default `'\n\n'`. */
  separator?: string;
}

/** The passages that fit, rendered. */
export interface PackedContext<T> {
  /** The packed passages, in rank order; the nth was rendered with number n. */
  items: T[];
  /** The rendered passages joined by the separator. */
  text: string;
  /** Tokens of the rendered passages plus the separators between them, as `countTokens` counts them. */
  usedTokens: number;
  /** Passages left out, too big or after the budget ran out: `items.length + skipped === ranked.length`. */
  skipped: number;
}

/**
 * Packs passages, best first, into a token budget without ever cutting one. Greedy in rank order: a
 * passage that does not fit is skipped and a smaller later one may still fit; the walk stops once the
 * remaining budget cannot hold even a separator. Packed passages are numbered 1, 2, 3… with no gaps,
 * and each is measured as rendered with its own number, since `[10]` can cost more than `[9]`.
 * `usedTokens` sums the counts of the pieces (passages and separators); counting the joined text with a
 * real tokenizer usually gives the same or a little less, as tokens rarely merge across a separator.
 */
export function packContext<T>(ranked: readonly T[], options: PackContextOptions<T>): PackedContext<T> {
  const separator = options.separator ?? '\n\n';
  const items: T[] = [];
  const rendered: string[] = [];
  // Written as a negation so that a NaN budget packs nothing too.
  if (!(options.budgetTokens > 0)) return { items, text: '', usedTokens: 0, skipped: ranked.length };
  const separatorTokens = countChecked(options.countTokens, separator);
  let usedTokens = 0;
  for (const item of ranked) {
    const gap = items.length > 0 ? separatorTokens : 0;
    const remaining = options.budgetTokens - usedTokens - gap;
    // The separator alone no longer fits, so nothing later can; at exactly 0 only an empty rendering
    // could, which is not worth walking the rest of the list for.
    if (remaining <= 0) break;
    const text = options.render(item, items.length + 1);
    const tokens = countChecked(options.countTokens, text);
    if (tokens > remaining) continue;
    items.push(item);
    rendered.push(text);
    usedTokens += gap + tokens;
  }
  return { items, text: rendered.join(separator), usedTokens, skipped: ranked.length - items.length };
}

/** Calls the tokenizer and rejects counts that would corrupt the budget arithmetic. */
function countChecked(countTokens: (text: string) => number, text: string): number {
  const tokens = countTokens(text);
  if (!Number.isFinite(tokens) || tokens < 0) {
    throw new ValidationError(`countTokens returned ${tokens}; expected a finite number ≥ 0`);
  }
  return tokens;
}
