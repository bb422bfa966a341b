import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { createSqliteSearchIndex } from '../src/adapters/sqlite/sqlite-search-index.ts';
import { ftsMatch } from '../src/adapters/sqlite/sqlite-search-sql.ts';
import { queryTerms } from '../src/core/search/query-terms.ts';
import { type BeirDocument, openBeirDataset } from '../src/knowledge/evaluation/beir-dataset.ts';
import { evaluateRetrieval } from '../src/knowledge/evaluation/evaluate-retrieval.ts';
import { indexBeirCorpus } from '../src/knowledge/evaluation/index-beir-corpus.ts';
import { percentile } from '../src/knowledge/evaluation/percentile.ts';
import { meanOverQueries, ndcgAt } from '../src/knowledge/evaluation/retrieval-metrics.ts';
import { timeQueries } from './knowledge-timing.ts';

/** What part (a) of the knowledge benchmark measured. */
export interface NfcorpusMeasurement {
  documents: number;
  chunks: number;
  repetitions: number;
  quarryIndexSeconds: number;
  fts5IndexSeconds: number;
  /** Quarry's indexing time over bare FTS5's (target ≤ 1.5). */
  indexRatio: number;
  quarryIndexRuns: number[];
  fts5IndexRuns: number[];
  /** Of Quarry's indexing: time spent chunking alone (measured separately, same documents). */
  chunkingSeconds: number;
  queries: number;
  quarryQueryP50Ms: number;
  quarryQueryP99Ms: number;
  fts5QueryP50Ms: number;
  fts5QueryP99Ms: number;
  quarryNdcgAt10: number;
  quarryRecallAt100: number;
  quarryMrrAt10: number;
  fts5NdcgAt10: number;
}

const chunkCharacters = 1500;

/** Removes a folder, then flushes dirty pages so no run pays for the previous run's writes. */
function resetFolder(folder: string): void {
  rmSync(folder, { recursive: true, force: true });
  execFileSync('sync');
}

async function* fromMemory(documents: BeirDocument[]): AsyncGenerator<BeirDocument> {
  yield* documents;
}

/** Quarry's indexing path: the evaluation's corpus writer into the SQLite adapter, file on disk. */
async function timeQuarry(
  folder: string,
  documents: BeirDocument[],
): Promise<{ seconds: number; chunks: number }> {
  resetFolder(folder);
  const started = performance.now();
  const index = createSqliteSearchIndex({ path: path.join(folder, 'index.sqlite') });
  const counts = await indexBeirCorpus(index, fromMemory(documents), { chunkCharacters });
  await index.close();
  return { seconds: (performance.now() - started) / 1000, chunks: counts.chunks };
}

/** The baseline: the same texts into a bare FTS5 table, one transaction, same journal settings. */
function timeBareFts5(folder: string, documents: BeirDocument[]): number {
  resetFolder(folder);
  const started = performance.now();
  const database = openBareFts5(folder);
  const insert = database.prepare('INSERT INTO t (rowid, title, text) VALUES (?, ?, ?)');
  database.transaction(() => {
    documents.forEach((document, position) => {
      insert.run(position + 1, document.title, document.text);
    });
  })();
  database.close();
  return (performance.now() - started) / 1000;
}

function openBareFts5(folder: string): Database.Database {
  execFileSync('mkdir', ['-p', folder]);
  const database = new Database(path.join(folder, 'fts5.sqlite'));
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.exec("CREATE VIRTUAL TABLE IF NOT EXISTS t USING fts5(title, text, tokenize='porter unicode61')");
  return database;
}

async function timeChunking(documents: BeirDocument[]): Promise<number> {
  const { chunkDocument } = await import('../src/knowledge/documents/chunk-document.ts');
  const started = performance.now();
  for (const document of documents) {
    const bytes = Buffer.from(document.text, 'utf8');
    await chunkDocument({ path: document.id, bytes, language: 'text' }, { maxCharacters: chunkCharacters });
  }
  return (performance.now() - started) / 1000;
}

/** Alternates bare FTS5 and Quarry runs, so both see the same conditions. */
async function timeIndexing(work: string, documents: BeirDocument[], repetitions: number) {
  const quarryRuns: number[] = [];
  const fts5Runs: number[] = [];
  let chunks = 0;
  for (let round = 0; round < repetitions; round += 1) {
    fts5Runs.push(timeBareFts5(path.join(work, 'fts5'), documents));
    const run = await timeQuarry(path.join(work, 'quarry'), documents);
    quarryRuns.push(run.seconds);
    chunks = run.chunks;
  }
  return { quarryRuns, fts5Runs, chunks };
}

/** Latency and rankings of the test queries against the bare FTS5 table left by the last run. */
async function bareFts5Queries(work: string, documents: BeirDocument[], queries: Map<string, string>) {
  const bare = openBareFts5(path.join(work, 'fts5'));
  try {
    const query = bare.prepare<[string], { rowid: number }>(
      'SELECT rowid FROM t WHERE t MATCH ? ORDER BY rank LIMIT 10',
    );
    const run = (text: string) => query.all(ftsMatch(queryTerms(text)));
    const latencies = await timeQueries([...queries.values()], run);
    const rankings = new Map(
      [...queries].map(([queryId, text]) => [
        queryId,
        run(text).map((row) => documents[row.rowid - 1]?.id ?? ''),
      ]),
    );
    return { latencies, rankings };
  } finally {
    bare.close();
  }
}

/**
 * Part (a): NFCorpus. Indexing time of Quarry's path against bare FTS5 inserts of the same texts (median
 * of `repetitions`, alternating, each into a fresh file on disk), query latency of both with limit 10 over
 * the test queries, and retrieval quality.
 */
export async function measureNfcorpus(
  datasetPath: string,
  repetitions: number,
): Promise<NfcorpusMeasurement> {
  const dataset = await openBeirDataset(datasetPath);
  const work = mkdtempSync(path.join(tmpdir(), 'quarry-bench-knowledge-'));
  try {
    const documents: BeirDocument[] = [];
    for await (const document of dataset.corpus()) documents.push(document);
    const queries = await dataset.queries();
    const qrels = await dataset.qrels('test');
    const tested = new Map(
      [...qrels.keys()].flatMap((queryId) => {
        const text = queries.get(queryId);
        return text === undefined ? [] : [[queryId, text] as const];
      }),
    );

    const { quarryRuns, fts5Runs, chunks } = await timeIndexing(work, documents, repetitions);
    const chunkingSeconds = await timeChunking(documents);

    const index = createSqliteSearchIndex({ path: path.join(work, 'quarry', 'index.sqlite') });
    const quarryLatencies = await timeQueries([...tested.values()], (text) =>
      index.search({ text, mode: 'keyword', limit: 10, filters: {} }),
    );
    await index.close();
    const bare = await bareFts5Queries(work, documents, tested);

    const evaluationIndex = createSqliteSearchIndex({ path: path.join(work, 'evaluation', 'index.sqlite') });
    const evaluation = await evaluateRetrieval({
      index: evaluationIndex,
      dataset,
      split: 'test',
      chunkCharacters,
    });
    await evaluationIndex.close();

    const quarryIndexSeconds = percentile(quarryRuns, 50);
    const fts5IndexSeconds = percentile(fts5Runs, 50);
    return {
      documents: documents.length,
      chunks,
      repetitions,
      quarryIndexSeconds,
      fts5IndexSeconds,
      indexRatio: quarryIndexSeconds / fts5IndexSeconds,
      quarryIndexRuns: quarryRuns,
      fts5IndexRuns: fts5Runs,
      chunkingSeconds,
      queries: tested.size,
      quarryQueryP50Ms: percentile(quarryLatencies, 50),
      quarryQueryP99Ms: percentile(quarryLatencies, 99),
      fts5QueryP50Ms: percentile(bare.latencies, 50),
      fts5QueryP99Ms: percentile(bare.latencies, 99),
      quarryNdcgAt10: evaluation['ndcg@10'],
      quarryRecallAt100: evaluation['recall@100'],
      quarryMrrAt10: evaluation['mrr@10'],
      fts5NdcgAt10: meanOverQueries(ndcgAt(10), bare.rankings, qrels),
    };
  } finally {
    await dataset.close();
    rmSync(work, { recursive: true, force: true });
  }
}
