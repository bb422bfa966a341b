import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSyncHarness, type SyncHarness } from '../../test/support/sync-harness.ts';
import { UpstreamError } from '../core/errors/index.ts';
import type { RepoRecord } from '../core/ports/catalog.ts';
import { indexStep } from './index-step.ts';
import { syncAndIndex } from './sync-and-index.ts';
import { addRepo, publish, stepContext, v1Files, v2Files } from './sync-steps.test-support.ts';
import type { ReleaseIndexReport } from './sync-types.ts';

let harness: SyncHarness;
beforeEach(async () => {
  harness = await createSyncHarness();
});
afterEach(async () => {
  await harness.close();
});

/** The knowledge base's report carries more than the sync relies on; all of it must come back. */
interface FullReport extends ReleaseIndexReport {
  warnings: string[];
}

function indexer(options: { failFor?: string; delayMs?: number } = {}) {
  const calls: string[] = [];
  let active = 0;
  let mostAtOnce = 0;
  const indexRelease = async (repo: RepoRecord): Promise<FullReport> => {
    active += 1;
    mostAtOnce = Math.max(mostAtOnce, active);
    try {
      await new Promise((resolve) => setTimeout(resolve, options.delayMs ?? 0));
      calls.push(`${repo.id}@${repo.version}`);
      if (repo.id === options.failFor) throw new UpstreamError('the embedding endpoint answered 500');
      const version = repo.version ?? '';
      return {
        source: repo.id,
        version,
        indexed: repo.files,
        unchanged: 0,
        removed: 0,
        chunks: 1,
        warnings: ['w'],
      };
    } finally {
      active -= 1;
    }
  };
  return { indexRelease, calls, mostAtOnce: () => mostAtOnce };
}

describe('syncAndIndex', () => {
  it('indexes each repository with a new release, one at a time, then fills vectors once', async () => {
    for (const id of ['acme/one', 'acme/two', 'acme/same']) {
      await addRepo(harness, id);
      await publish(harness, id, [['v1.0.0', v1Files]]);
    }
    const first = indexer();
    await syncAndIndex(stepContext(harness, { indexRelease: first.indexRelease }), {
      concurrency: 3,
      repoId: 'acme/same',
    });
    for (const id of ['acme/one', 'acme/two'])
      await publish(harness, id, [
        ['v1.0.0', v1Files],
        ['v2.0.0', v2Files],
      ]);
    const { indexRelease, calls, mostAtOnce } = indexer({ delayMs: 30 });
    let fills = 0;
    const context = {
      ...stepContext(harness, {
        fillVectors: async () => {
          fills += 1;
        },
      }),
      indexRelease,
    };
    const outcome = await syncAndIndex(context, { concurrency: 3 });
    expect(outcome.results.map((result) => [result.id, result.status])).toEqual([
      ['acme/one', 'updated'],
      ['acme/same', 'unchanged'],
      ['acme/two', 'updated'],
    ]);
    expect(calls.sort()).toEqual(['acme/one@v2.0.0', 'acme/two@v2.0.0']);
    expect(mostAtOnce()).toBe(1);
    expect(fills).toBe(1);
    expect(outcome.reports.map((report) => [report.version, report.warnings])).toEqual([
      ['v2.0.0', ['w']],
      ['v2.0.0', ['w']],
    ]);
    expect(outcome.failures).toEqual([]);
  });

  it('reports indexing and embedding failures without failing the sync, and still notifies', async () => {
    for (const id of ['acme/good', 'acme/bad']) {
      await addRepo(harness, id);
      await publish(harness, id, [['v1.0.0', v1Files]]);
    }
    const { indexRelease } = indexer({ failFor: 'acme/bad' });
    const outcome = await syncAndIndex(
      stepContext(harness, {
        indexRelease,
        fillVectors: async () => {
          throw new Error('no embedding model');
        },
      }),
      { concurrency: 1 },
    );
    expect(outcome.results.map((result) => result.status)).toEqual(['updated', 'updated']);
    expect(outcome.failures).toEqual([
      'acme/bad: the embedding endpoint answered 500',
      'embedding: no embedding model',
    ]);
    expect(outcome.reports.map((report) => report.source)).toEqual(['acme/good']);
    expect(harness.events.map((event) => event.repo).sort()).toEqual(['acme/bad', 'acme/good']);
  });

  it('is a plain sync without an indexer, and fills no vectors when nothing was indexed', async () => {
    await addRepo(harness, 'acme/one');
    await publish(harness, 'acme/one', [['v1.0.0', v1Files]]);
    let fills = 0;
    const context = stepContext(harness, {
      fillVectors: async () => {
        fills += 1;
      },
    });
    const outcome = await syncAndIndex(context, { concurrency: 2 });
    expect(outcome).toEqual({
      results: [expect.objectContaining({ status: 'updated' })],
      reports: [],
      failures: [],
    });
    expect(fills).toBe(0);
  });

  it('keeps every warning for the caller, while the index step output stays small for Step Functions', async () => {
    await addRepo(harness, 'acme/one');
    await publish(harness, 'acme/one', [['v1.0.0', v1Files]]);
    const warnings = Array.from({ length: 500 }, (_, index) => `file-${index}.min.js: minified`);
    const indexRelease = async (repo: RepoRecord): Promise<FullReport> => ({
      source: repo.id,
      version: repo.version ?? '',
      indexed: 0,
      unchanged: 0,
      removed: 0,
      chunks: 0,
      warnings,
    });
    const outcome = await syncAndIndex({ ...stepContext(harness), indexRelease }, { concurrency: 1 });
    expect(outcome.reports[0]?.warnings).toHaveLength(500);
    const stepOutput = await indexStep(
      { repoId: 'acme/one', runId: 'r', result: outcome.results[0] },
      { ...stepContext(harness), indexRelease },
    );
    expect(stepOutput.index).toMatchObject({
      status: 'indexed',
      report: { warnings: warnings.slice(0, 20), warningsOmitted: 480 },
    });
  });

  it('does not index after the pass was stopped', async () => {
    await addRepo(harness, 'acme/one');
    await publish(harness, 'acme/one', [['v1.0.0', v1Files]]);
    const { indexRelease, calls } = indexer();
    const controller = new AbortController();
    controller.abort();
    const outcome = await syncAndIndex(stepContext(harness, { indexRelease }), {
      concurrency: 1,
      signal: controller.signal,
    });
    expect(outcome.results).toEqual([]);
    expect(calls).toEqual([]);
  });
});
