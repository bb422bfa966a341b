import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnvironment, runQuarry } from './support/run-quarry.ts';

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'quarry-eval-cli-'));
  await writeFile(path.join(folder, 'quarry.config.yaml'), 'sync:\n  repos: []\n');
  const dataset = path.join(folder, 'tiny');
  await mkdir(path.join(dataset, 'qrels'), { recursive: true });
  const corpus = [
    { _id: 'd1', title: 'Retry policies', text: 'Exponential backoff spreads retries over time.' },
    { _id: 'd2', title: 'Caching', text: 'An LRU cache evicts the least recently used entry.' },
    { _id: 'd3', title: 'Logging', text: 'Structured logs carry fields as well as messages.' },
  ];
  const queries = [
    { _id: 'q1', text: 'how does backoff work for retries' },
    { _id: 'q2', text: 'which entry does an lru cache evict' },
  ];
  await writeFile(path.join(dataset, 'corpus.jsonl'), corpus.map((line) => JSON.stringify(line)).join('\n'));
  await writeFile(
    path.join(dataset, 'queries.jsonl'),
    queries.map((line) => JSON.stringify(line)).join('\n'),
  );
  await writeFile(
    path.join(dataset, 'qrels', 'test.tsv'),
    'query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t2\n',
  );
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

const run = (...args: string[]) => runQuarry(args, { cwd: folder, env: cliEnvironment({}) });

describe('quarry eval retrieval', () => {
  it('prints one JSON object with the metrics and timings the issue names', async () => {
    const result = await run('eval', 'retrieval', '--dataset', 'tiny', '--json');
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as Record<string, number>;
    expect(report).toMatchObject({ 'ndcg@10': 1, 'recall@100': 1, 'mrr@10': 1, queries: 2, documents: 3 });
    for (const key of ['indexSeconds', 'queryP50Ms', 'queryP95Ms'])
      expect(report[key]).toBeGreaterThanOrEqual(0);
    const table = await run('eval', 'retrieval', '--dataset', 'tiny');
    expect(table.stdout).toMatch(/nDCG@10/);
  });

  it('explains a missing dataset, a missing split and a mode that needs a model', async () => {
    const missing = await run('eval', 'retrieval', '--dataset', 'nowhere');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/error: .*nowhere/);
    expect(missing.stderr).toMatch(/hint:/);
    const split = await run('eval', 'retrieval', '--dataset', 'tiny', '--split', 'dev');
    expect(split.code).toBe(2);
    expect(split.stderr).toMatch(/test/);
    const hybrid = await run('eval', 'retrieval', '--dataset', 'tiny', '--mode', 'hybrid');
    expect(hybrid.code).toBe(2);
    expect(hybrid.stderr).toMatch(/knowledge\.embedding/);
  });
});
