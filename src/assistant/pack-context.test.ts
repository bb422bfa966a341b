import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors/index.ts';
import { estimateTokens } from '../core/estimate-tokens.ts';
import { type PackContextOptions, packContext } from './pack-context.ts';

/** One token per character keeps the budget arithmetic exact and readable. */
const characters = (text: string) => text.length;
const numbered = (item: string, n: number) => `[${n}] ${item}`;

function options(budgetTokens: number, extra: Partial<PackContextOptions<string>> = {}) {
  return { budgetTokens, countTokens: characters, render: numbered, ...extra };
}

describe('packContext', () => {
  it('packs in rank order, numbers from 1 and joins with a blank line by default', () => {
    expect(packContext(['aa', 'bb'], options(100))).toEqual({
      items: ['aa', 'bb'],
      text: '[1] aa\n\n[2] bb',
      usedTokens: 14,
      skipped: 0,
    });
  });

  it('fits a passage that uses the budget exactly, and not one token more', () => {
    expect(packContext(['aaaa'], options(8)).items).toEqual(['aaaa']);
    expect(packContext(['aaaa'], options(7))).toEqual({ items: [], text: '', usedTokens: 0, skipped: 1 });
  });

  it('counts the separator between passages', () => {
    // `[1] aa` (6) + `\n\n` (2) + `[2] bb` (6) = 14
    expect(packContext(['aa', 'bb'], options(14)).items).toEqual(['aa', 'bb']);
    expect(packContext(['aa', 'bb'], options(13))).toMatchObject({
      items: ['aa'],
      usedTokens: 6,
      skipped: 1,
    });
    const dashed = packContext(['aa', 'bb'], options(19, { separator: '\n-----\n' }));
    expect(dashed).toMatchObject({ text: '[1] aa\n-----\n[2] bb', usedTokens: 19 });
  });

  it('skips a passage that does not fit and lets smaller later ones in, numbered without gaps', () => {
    const ranked = ['short', 'x'.repeat(50), 'tiny', 'y'.repeat(50), 'end'];
    const calls: number[] = [];
    const packed = packContext(
      ranked,
      options(40, {
        render: (item, n) => {
          calls.push(n);
          return numbered(item, n);
        },
      }),
    );
    expect(packed).toEqual({
      items: ['short', 'tiny', 'end'],
      text: '[1] short\n\n[2] tiny\n\n[3] end',
      usedTokens: 28,
      skipped: 2,
    });
    expect(calls).toEqual([1, 2, 2, 3, 3]);
  });

  it('never includes part of a passage', () => {
    const ranked = ['alpha beta gamma', 'delta', 'epsilon zeta eta theta', 'iota'];
    for (let budget = 0; budget <= 60; budget += 1) {
      const packed = packContext(ranked, options(budget));
      const expected = packed.items.map((item, index) => numbered(item, index + 1)).join('\n\n');
      expect(packed.text).toBe(expected);
      expect(packed.usedTokens).toBe(packed.text.length);
      expect(packed.usedTokens).toBeLessThanOrEqual(budget);
      expect(packed.items.length + packed.skipped).toBe(ranked.length);
    }
  });

  it('measures each passage with its own number, since [10] is longer than [9]', () => {
    const ranked = Array.from({ length: 10 }, () => 'x');
    // Nine of `[n] x` (5 each) use 45; `[10] x` needs 6 but only 5 are left.
    const packed = packContext(ranked, options(50, { separator: '' }));
    expect(packed).toMatchObject({ usedTokens: 45, skipped: 1 });
    expect(packed.items).toHaveLength(9);
  });

  it('stops walking once not even the separator fits', () => {
    const rendered: string[] = [];
    const render = (item: string, n: number) => {
      rendered.push(item);
      return numbered(item, n);
    };
    const packed = packContext(['aa', 'bb', 'cc', 'dd'], options(7, { render }));
    expect(packed).toMatchObject({ items: ['aa'], skipped: 3 });
    expect(rendered).toEqual(['aa']);
  });

  it.each([0, -5, Number.NaN])('packs nothing for a budget of %s', (budgetTokens) => {
    expect(packContext(['a', 'b'], options(budgetTokens))).toEqual({
      items: [],
      text: '',
      usedTokens: 0,
      skipped: 2,
    });
  });

  it('handles an empty list', () => {
    expect(packContext([], options(100))).toEqual({ items: [], text: '', usedTokens: 0, skipped: 0 });
  });

  it('rejects a tokenizer that returns a negative or non-finite count', () => {
    expect(() => packContext(['a'], options(10, { countTokens: () => -1 }))).toThrow(ValidationError);
    expect(() => packContext(['a'], options(10, { countTokens: () => Number.NaN }))).toThrow(ValidationError);
  });

  it('packs 10,000 passages in one pass, measuring each at most once', () => {
    const ranked = Array.from({ length: 10_000 }, (_, index) => ({
      id: index,
      body: `Passage ${index}: ${'retries back off exponentially between attempts. '.repeat(1 + (index % 13))}`,
    }));
    let counted = 0;
    const packed = packContext(ranked, {
      budgetTokens: 8_000,
      countTokens: (text) => {
        counted += 1;
        return estimateTokens(text);
      },
      render: (item, n) => `[${n}] ${item.body}`,
    });
    expect(counted).toBeLessThanOrEqual(ranked.length + 1);
    expect(packed.usedTokens).toBeLessThanOrEqual(8_000);
    expect(packed.usedTokens).toBeGreaterThan(8_000 - 50);
    expect(packed.items.length + packed.skipped).toBe(ranked.length);
    expect(packed.items.map((item) => item.id)).toEqual(
      [...packed.items.map((item) => item.id)].sort((a, b) => a - b),
    );
  });
});
