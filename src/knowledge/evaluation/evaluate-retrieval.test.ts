import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
// Tests may use a real adapter; the capability itself only sees the SearchIndex port.
import { createSqliteSearchIndex } from '../../adapters/sqlite/sqlite-search-index.ts';
import { type QuarryError, ValidationError } from '../../core/errors/index.ts';
import type { SearchIndex } from '../../core/ports/search-index.ts';
import { type BeirDataset, openBeirDataset } from './beir-dataset.ts';
import { evaluateRetrieval, type RetrievalEvaluationProgress } from './evaluate-retrieval.ts';
import type { EvaluationEmbedding } from './evaluation-embedding.ts';
import { beirSource, indexBeirCorpus } from './index-beir-corpus.ts';
import { rankDocuments } from './rank-documents.ts';

/** BEIR NFCorpus from the shared folder beside the project (there for every developer and for CI). */
const nfcorpus = fileURLToPath(new URL('../../../../shared/datasets/nfcorpus.zip', import.meta.url));

/** Sentences about cinnamon: with small chunks, d5 becomes many chunks that all match "cinnamon". */
const longText = Array.from(
  { length: 12 },
  (_, index) => `Cinnamon note ${index}: cinnamon bark, cinnamon sticks and ground cinnamon.`,
).join('\n');

const corpus = [
  { _id: 'd1', title: 'Apple pie', text: 'Bake an apple pie with a pinch of cinnamon.' },
  { _id: 'd2', title: 'Banana bread', text: 'Ripe bananas make a moist bread.' },
  { _id: 'd3', title: 'Cherry tart', text: 'A tart filled with sour cherries.' },
  { _id: 'd4', title: 'Orchard care', text: 'Pruning apple trees in winter keeps an orchard healthy.' },
  { _id: 'd5', title: 'Spices', text: longText },
  { _id: 'd6', title: 'Only a title about plums', text: '' },
];

const queries = [
  { _id: 'q1', text: 'apple pie' },
  { _id: 'q2', text: 'banana bread' },
  { _id: 'q3', text: 'cherry tart' },
  { _id: 'q4', text: 'zebra' },
  { _id: 'q5', text: 'judged not relevant only' },
  { _id: 'q6', text: '?!' },
];

// q1: d1 (grade 2) then d4 (grade 1) is the ideal order. q4 finds nothing. q5 has no relevant document
// (left out). q6 has no words (an empty ranking). q7 has no text in queries.jsonl (left out).
const qrels = [
  'query-id\tcorpus-id\tscore',
  'q1\td1\t2',
  'q1\td4\t1',
  'q2\td2\t1',
  'q3\td3\t1',
  'q3\td1\t0',
  'q4\td5\t1',
  'q5\td2\t0',
  'q6\td1\t1',
  'q7\td1\t1',
].join('\n');

let scratch: string;
let index: SearchIndex;
let dataset: BeirDataset;

beforeEach(async () => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'quarry-evaluate-'));
  const folder = path.join(scratch, 'tiny');
  fs.mkdirSync(path.join(folder, 'qrels'), { recursive: true });
  fs.writeFileSync(path.join(folder, 'corpus.jsonl'), corpus.map((line) => JSON.stringify(line)).join('\n'));
  fs.writeFileSync(
    path.join(folder, 'queries.jsonl'),
    queries.map((line) => JSON.stringify(line)).join('\n'),
  );
  fs.writeFileSync(path.join(folder, 'qrels', 'test.tsv'), qrels);
  index = createSqliteSearchIndex({ path: path.join(scratch, 'index', 'index.sqlite') });
  dataset = await openBeirDataset(folder);
});

afterEach(async () => {
  await dataset.close();
  await index.close();
  fs.rmSync(scratch, { recursive: true, force: true });
});

/** A deterministic stand-in for an embedding model: letter counts, so similar words give similar vectors. */
const letterEmbedding: EvaluationEmbedding = {
  spaceKey: 'test:letters',
  batchSize: 4,
  async embed(texts) {
    return texts.map((text) => {
      const vector = new Float32Array(26).fill(0.01);
      for (const character of text.toLowerCase()) {
        const slot = character.charCodeAt(0) - 97;
        if (slot >= 0 && slot < 26) vector[slot] = (vector[slot] ?? 0) + 1;
      }
      return vector;
    });
  },
};

describe('evaluateRetrieval', () => {
  it('indexes the corpus and scores keyword rankings as BEIR does', async () => {
    const progress: RetrievalEvaluationProgress[] = [];
    let clock = 0;
    const result = await evaluateRetrieval({
      index,
      dataset,
      chunkCharacters: 120,
      onProgress: (event) => progress.push(event),
      // Every clock reading advances 5 ms, so each timed query takes exactly 5 ms.
      now: () => {
        clock += 5;
        return clock;
      },
    });
    // Five queries count (q1–q4, q6); q1–q3 are perfect, q4 and q6 find nothing relevant.
    expect(result).toEqual({
      'ndcg@10': 3 / 5,
      'recall@100': 3 / 5,
      'mrr@10': 3 / 5,
      indexSeconds: 0.005,
      queryP50Ms: 5,
      queryP95Ms: 5,
      queries: 5,
      documents: 6,
      chunks: expect.any(Number),
      mode: 'keyword',
    });
    // d5 (about 900 characters) is cut into chunks of at most 120; d6 is one chunk made of its title.
    expect(result.chunks).toBeGreaterThan(10);
    // The six documents are written in one batch, reported once.
    expect(progress[0]).toEqual({ phase: 'indexing', documents: 6, chunks: result.chunks });
    expect(progress.filter((event) => event.phase === 'querying')).toHaveLength(5);
    expect(progress.at(-1)).toEqual({ phase: 'querying', done: 5, total: 5 });

    const documents = await index.listDocuments({ source: beirSource });
    expect(documents.map((document) => document.path)).toEqual(['d1', 'd2', 'd3', 'd4', 'd5', 'd6']);
    const plums = await index.search({ text: 'plums', mode: 'keyword', limit: 5, filters: {} });
    expect(plums.map((hit) => [hit.path, hit.title, hit.text])).toEqual([
      ['d6', 'Only a title about plums', 'Only a title about plums'],
    ]);
  });

  it('ranks documents, not chunks: a document with many matching chunks appears once', async () => {
    await indexBeirCorpus(index, dataset.corpus(), { chunkCharacters: 120 });
    const chunks = await index.search({ text: 'cinnamon', mode: 'keyword', limit: 6, filters: {} });
    // The first page of chunks is all d5, so ranking two documents needs a second, larger search.
    expect(new Set(chunks.map((hit) => hit.path))).toEqual(new Set(['d5']));
    const ranking = await rankDocuments(index, {
      text: 'cinnamon',
      mode: 'keyword',
      depth: 2,
      source: beirSource,
    });
    expect(ranking).toEqual(['d5', 'd1']);
    const all = await rankDocuments(index, {
      text: 'cinnamon apple',
      mode: 'keyword',
      depth: 100,
      source: beirSource,
    });
    expect([...all].sort()).toEqual(['d1', 'd4', 'd5']);
    const withoutItself = await rankDocuments(index, {
      text: 'cinnamon',
      mode: 'keyword',
      depth: 10,
      source: beirSource,
      excludeId: 'd5',
    });
    expect(withoutItself).toEqual(['d1']);
  });

  it('runs vector and hybrid evaluations with the given embedding', async () => {
    const embedded: number[] = [];
    const embedding: EvaluationEmbedding = {
      ...letterEmbedding,
      embed: (texts) => {
        embedded.push(texts.length);
        return letterEmbedding.embed(texts);
      },
    };
    const hybrid = await evaluateRetrieval({
      index,
      dataset,
      mode: 'hybrid',
      embedding,
      chunkCharacters: 120,
    });
    expect(hybrid.mode).toBe('hybrid');
    expect(hybrid['ndcg@10']).toBeGreaterThanOrEqual(0.6 - 1e-9);
    expect(Math.max(...embedded)).toBeLessThanOrEqual(4);
    const spaces = await index.listVectorSpaces();
    expect(spaces).toEqual([
      expect.objectContaining({ key: 'test:letters', dimensions: 26, state: 'active' }),
    ]);
    expect(spaces[0]?.vectorCount).toBe(hybrid.chunks);

    const vector = await evaluateRetrieval({
      index,
      dataset,
      mode: 'vector',
      embedding,
      chunkCharacters: 120,
    });
    expect(vector.mode).toBe('vector');
    for (const metric of [vector['ndcg@10'], vector['recall@100'], vector['mrr@10']]) {
      expect(metric).toBeGreaterThanOrEqual(0);
      expect(metric).toBeLessThanOrEqual(1);
    }
  });

  it('refuses vector and hybrid evaluations without an embedding, before indexing anything', async () => {
    for (const mode of ['vector', 'hybrid'] as const) {
      const error = (await evaluateRetrieval({ index, dataset, mode }).catch(
        (caught) => caught,
      )) as QuarryError;
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toBe(`A ${mode} evaluation needs an embedding model, and none is configured.`);
      expect(error.hint).toContain('Configure knowledge.embedding');
    }
    expect((await index.stats()).documents).toBe(0);
  });

  it('rejects a bad mode, depth or split before indexing anything', async () => {
    const attempts = [
      evaluateRetrieval({ index, dataset, mode: 'fuzzy' as 'keyword' }),
      evaluateRetrieval({ index, dataset, depth: 0 }),
      evaluateRetrieval({ index, dataset, split: 'dev' }),
    ];
    for (const attempt of attempts) await expect(attempt).rejects.toThrow(ValidationError);
    const wrongSplit = (await evaluateRetrieval({ index, dataset, split: 'dev' }).catch(
      (caught) => caught,
    )) as QuarryError;
    expect(wrongSplit.hint).toBe('Its splits are: test. Choose one of them.');
    expect((await index.stats()).documents).toBe(0);
  });

  it('stops when its signal is aborted', async () => {
    const controller = new AbortController();
    let writtenAtStop = 0;
    const evaluation = evaluateRetrieval({
      index,
      dataset,
      signal: controller.signal,
      onProgress: (event) => {
        if (event.phase === 'indexing' && !controller.signal.aborted) {
          writtenAtStop = event.documents;
          controller.abort(new Error('Stopped by SIGINT.'));
        }
      },
    });
    await expect(evaluation).rejects.toThrow('Stopped by SIGINT.');
    // Documents are written in whole batches; nothing after the stop.
    expect(writtenAtStop).toBeGreaterThan(0);
    expect((await index.stats()).documents).toBe(writtenAtStop);
  });
});

describe('evaluateRetrieval on NFCorpus', () => {
  it('keeps keyword nDCG@10 at or above 0.32 on the test split (quality regression guard)', async () => {
    const nfcorpusDataset = await openBeirDataset(nfcorpus);
    try {
      const result = await evaluateRetrieval({
        index,
        dataset: nfcorpusDataset,
        split: 'test',
        mode: 'keyword',
      });
      expect(result.documents).toBe(3633);
      expect(result.queries).toBe(323);
      expect(result['ndcg@10']).toBeGreaterThanOrEqual(0.32);
      expect(result['recall@100']).toBeGreaterThan(0);
      expect(result['mrr@10']).toBeGreaterThan(result['ndcg@10']);
    } finally {
      await nfcorpusDataset.close();
    }
  }, 300_000);
});
