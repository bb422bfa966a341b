import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { createSqliteSearchIndex } from '../src/adapters/sqlite/sqlite-search-index.ts';
import { ftsMatch } from '../src/adapters/sqlite/sqlite-search-sql.ts';
import type { ChunkInput, DocumentInput, SearchIndex } from '../src/core/ports/search-index.ts';
import { queryTerms } from '../src/core/search/query-terms.ts';
import { percentile } from '../src/knowledge/evaluation/percentile.ts';
import { timeQueries } from './knowledge-timing.ts';
import { buildVocabulary, seededRandom, stopWordRanks, textGenerator } from './knowledge-zipf-text.ts';

/** What part (b) of the knowledge benchmark measured. */
export interface SyntheticMeasurement {
  chunks: number;
  documents: number;
  chunksPerDocument: number;
  vocabulary: number;
  buildSeconds: number;
  chunksPerSecond: number;
  /** The database file after closing (the write-ahead log is folded in on close). */
  sizeBytes: number;
  textBytes: number;
  queries: number;
  queryP50Ms: number;
  queryP99Ms: number;
  /** The same queries straight against the FTS5 table (bm25, limit 10, no join or filters). */
  fts5QueryP50Ms: number;
  fts5QueryP99Ms: number;
  /** The slowest queries, with how many chunks match them, to see what dominates the tail. */
  slowest: Array<{ text: string; ms: number; fts5Ms: number; matchingChunks: number }>;
  peakRssMiB: number;
}

const vocabularySize = 50_000;
const chunksPerDocument = 50;
const queryCount = 200;
/** Ranks below this (after the stop words) count as common words when queries are drawn. */
const commonRanks = 1_000;

/** One document of `chunksPerDocument` chunks at a time: the corpus is never held in memory. */
function* syntheticDocuments(
  total: number,
): Generator<{ document: DocumentInput; chunks: ChunkInput[]; bytes: number }> {
  const vocabulary = buildVocabulary(vocabularySize);
  const nextText = textGenerator({ vocabulary, seed: 20_240_501, exponent: 1, minWords: 45, maxWords: 75 });
  for (let first = 0, number = 0; first < total; first += chunksPerDocument, number += 1) {
    const chunks: ChunkInput[] = [];
    let bytes = 0;
    for (let ordinal = 0; ordinal < Math.min(chunksPerDocument, total - first); ordinal += 1) {
      const text = nextText();
      bytes += text.length;
      chunks.push({ text, startLine: ordinal + 1, endLine: ordinal + 1, headingPath: [] });
    }
    const document: DocumentInput = {
      source: 'synthetic',
      version: '',
      path: `documents/${String(number).padStart(7, '0')}.txt`,
      language: 'text',
      contentHash: String(number),
      byteSize: bytes,
    };
    yield { document, chunks, bytes };
  }
}

/** 1–4 words each; every word is common (ranks after the stop words up to 1000) or rare, half and half. */
function syntheticQueries(): string[] {
  const vocabulary = buildVocabulary(vocabularySize);
  const firstContentRank = stopWordRanks;
  const random = seededRandom(7);
  return Array.from({ length: queryCount }, () => {
    const words = 1 + Math.floor(random() * 4);
    return Array.from({ length: words }, () => {
      const common = random() < 0.5;
      const low = common ? firstContentRank : firstContentRank + commonRanks;
      const high = common ? firstContentRank + commonRanks : vocabularySize;
      return vocabulary[low + Math.floor(random() * (high - low))] ?? '';
    }).join(' ');
  });
}

/** Writes the synthetic corpus through the adapter, one `writeDocument` per document, reporting every 10 %. */
async function buildIndex(index: SearchIndex, chunkTotal: number, report: (line: string) => void) {
  const built = { chunks: 0, documents: 0, textBytes: 0, seconds: 0 };
  let nextReport = chunkTotal / 10;
  const started = performance.now();
  for (const { document, chunks, bytes } of syntheticDocuments(chunkTotal)) {
    await index.writeDocument(document, chunks);
    built.chunks += chunks.length;
    built.documents += 1;
    built.textBytes += bytes;
    if (built.chunks >= nextReport) {
      report(`  ${built.chunks} chunks written in ${((performance.now() - started) / 1000).toFixed(0)} s`);
      nextReport += chunkTotal / 10;
    }
  }
  built.seconds = (performance.now() - started) / 1000;
  return built;
}

/** The same queries straight against the FTS5 table, and how many chunks the slowest ones match. */
async function bareFts5Queries(file: string, queries: string[], latencies: number[]) {
  const database = new Database(file, { readonly: true });
  try {
    const bare = database.prepare<[string], { rowid: number }>(
      'SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY bm25(chunks_fts) LIMIT 10',
    );
    const count = database.prepare<[string], { n: number }>(
      'SELECT count(*) AS n FROM chunks_fts WHERE chunks_fts MATCH ?',
    );
    const match = (text: string) => ftsMatch(queryTerms(text));
    const bareLatencies = await timeQueries(queries, (text) => bare.all(match(text)));
    const slowest = queries
      .map((text, position) => ({ text, ms: latencies[position] ?? 0, fts5Ms: bareLatencies[position] ?? 0 }))
      .sort((left, right) => right.ms - left.ms)
      .slice(0, 3)
      .map((query) => ({ ...query, matchingChunks: count.get(match(query.text))?.n ?? 0 }));
    return { bareLatencies, slowest };
  } finally {
    database.close();
  }
}

/**
 * Part (b): a synthetic index of `chunkTotal` chunks written through the SQLite adapter (one
 * `writeDocument` per document of 50 chunks), then 200 keyword queries (limit 10) against it and the same
 * queries straight against its FTS5 table.
 */
export async function measureSynthetic(
  chunkTotal: number,
  report: (line: string) => void,
): Promise<SyntheticMeasurement> {
  const work = mkdtempSync(path.join(tmpdir(), 'quarry-bench-synthetic-'));
  const file = path.join(work, 'index.sqlite');
  try {
    const index = createSqliteSearchIndex({ path: file });
    const built = await buildIndex(index, chunkTotal, report);
    const queries = syntheticQueries();
    const latencies = await timeQueries(queries, (text) =>
      index.search({ text, mode: 'keyword', limit: 10, filters: {} }),
    );
    await index.close();
    const sizeBytes = statSync(file).size;
    const { bareLatencies, slowest } = await bareFts5Queries(file, queries, latencies);
    return {
      chunks: built.chunks,
      documents: built.documents,
      chunksPerDocument,
      vocabulary: vocabularySize,
      buildSeconds: built.seconds,
      chunksPerSecond: built.chunks / built.seconds,
      sizeBytes,
      textBytes: built.textBytes,
      queries: queries.length,
      queryP50Ms: percentile(latencies, 50),
      queryP99Ms: percentile(latencies, 99),
      fts5QueryP50Ms: percentile(bareLatencies, 50),
      fts5QueryP99Ms: percentile(bareLatencies, 99),
      slowest,
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
