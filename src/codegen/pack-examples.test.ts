import { describe, expect, it, vi } from 'vitest';
import { NotFoundError, ValidationError } from '../core/errors/index.ts';
import { widgetHit } from './codegen.test-support.ts';
import { packExamples, retrieveExamples } from './pack-examples.ts';

/** One token per character keeps the budget arithmetic readable. */
const countTokens = (text: string) => text.length;

describe('packExamples', () => {
  it('numbers whole passages under a header and records their sources', () => {
    const packed = packExamples([widgetHit('a.py', 'def a(): pass\n'), widgetHit('b.py', 'def b(): pass')], {
      repo: 'acme/widgets',
      budget: 10_000,
      countTokens,
    });
    expect(packed.text).toBe(
      [
        'Examples from acme/widgets (numbered passages; follow their APIs and conventions where they apply):',
        '',
        '[1] acme/widgets@v2.0.0:a.py:10-20',
        'def a(): pass',
        '',
        '[2] acme/widgets@v2.0.0:b.py:10-20',
        'def b(): pass',
        '',
      ].join('\n'),
    );
    expect(packed.sources).toEqual([
      {
        n: 1,
        repo: 'acme/widgets',
        version: 'v2.0.0',
        path: 'a.py',
        startLine: 10,
        endLine: 20,
        citation: 'acme/widgets@v2.0.0:a.py:10-20',
      },
      expect.objectContaining({ n: 2, path: 'b.py' }),
    ]);
  });

  it('skips a passage that does not fit, keeps later smaller ones, and numbers without gaps', () => {
    const hits = [widgetHit('big.py', 'x'.repeat(500)), widgetHit('small.py', 'y = 1', null)];
    const packed = packExamples(hits, { repo: 'acme/widgets', budget: 250, countTokens });
    expect(packed.sources.map((source) => [source.n, source.path, source.repo])).toEqual([
      [1, 'small.py', 'acme/widgets'],
    ]);
    expect(packed.text).toContain('[1] acme/widgets@v2.0.0:small.py:10-20');
    expect(packed.text).not.toContain('xxx');
    expect(countTokens(packed.text)).toBeLessThanOrEqual(250);
  });

  it('returns nothing when no passage fits', () => {
    expect(
      packExamples([widgetHit('a.py', 'z'.repeat(50))], { repo: 'r/r', budget: 20, countTokens }),
    ).toEqual({
      text: '',
      sources: [],
    });
  });
});

describe('retrieveExamples', () => {
  it('searches the repository with the message', async () => {
    const findExamples = vi.fn(async () => [widgetHit('a.py', 'pass')]);
    const packed = await retrieveExamples(findExamples, {
      repo: 'acme/widgets',
      query: 'make a widget',
      budget: 10_000,
      countTokens,
    });
    expect(findExamples).toHaveBeenCalledWith('acme/widgets', 'make a widget');
    expect(packed.sources).toHaveLength(1);
  });

  it('is a NotFoundError telling to sync and index when the repository has no hits', async () => {
    const request = { repo: 'acme/widgets', query: 'q', budget: 10_000, countTokens };
    const error = await retrieveExamples(async () => [], request).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).message).toContain('no indexed code from acme/widgets');
    expect((error as NotFoundError).hint).toMatch(/quarry sync and quarry index for acme\/widgets/);
  });

  it('is a ValidationError when none of the hits fits the budget', async () => {
    const request = { repo: 'acme/widgets', query: 'q', budget: 5, countTokens };
    await expect(retrieveExamples(async () => [widgetHit('a.py', 'pass')], request)).rejects.toThrow(
      ValidationError,
    );
  });
});
