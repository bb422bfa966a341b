import { ValidationError } from '../../core/errors/index.ts';
import type { SearchIndex, SearchMode } from '../../core/ports/search-index.ts';
import { queryTerms } from '../../core/search/query-terms.ts';
import type { BeirDataset } from './beir-dataset.ts';
import { defaultEmbeddingBatchSize, type EvaluationEmbedding } from './evaluation-embedding.ts';
import { beirSource, indexBeirCorpus } from './index-beir-corpus.ts';
import { percentile } from './percentile.ts';
import { rankDocuments } from './rank-documents.ts';
import {
  type Judgements,
  meanOverQueries,
  ndcgAt,
  recallAt,
  reciprocalRankAt,
  relevantCount,
} from './retrieval-metrics.ts';

/** The outcome of one retrieval evaluation; the metric keys are spelled as BEIR reports them. */
export interface RetrievalEvaluation {
  'ndcg@10': number;
  'recall@100': number;
  'mrr@10': number;
  /** Seconds spent chunking and writing the corpus (and embedding it, in vector and hybrid modes). */
  indexSeconds: number;
  /** Median and 95th percentile of one query's search time (fetching `depth` documents; query embedding excluded). */
  queryP50Ms: number;
  queryP95Ms: number;
  /** Queries evaluated: those of the split with a text in queries.jsonl and at least one relevant document. */
  queries: number;
  documents: number;
  chunks: number;
  mode: SearchMode;
}

/** Where an evaluation is; `done` counts documents while indexing and queries afterwards. */
export type RetrievalEvaluationProgress =
  | { phase: 'indexing'; documents: number; chunks: number }
  | { phase: 'embedding-queries' | 'querying'; done: number; total: number };

/** Options of {@link evaluateRetrieval}. */
export interface RetrievalEvaluationOptions {
  /** An empty index the corpus is written into (a scratch index: the evaluation fills it). */
  index: SearchIndex;
  dataset: BeirDataset;
  /** The qrels split; `test` by default. */
  split?: string;
  /** `keyword` by default; `vector` and `hybrid` need `embedding`. */
  mode?: SearchMode;
  /** Documents retrieved per query; 100 by default (Recall@100 looks at the first 100). */
  depth?: number;
  /** Chunk size in characters; 1500 by default. */
  chunkCharacters?: number;
  embedding?: EvaluationEmbedding;
  onProgress?: (progress: RetrievalEvaluationProgress) => void;
  /** Stops between documents and between queries; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Milliseconds from a monotonic clock; `performance.now` by default. */
  now?: () => number;
}

const searchModes: readonly SearchMode[] = ['keyword', 'vector', 'hybrid'];

/**
 * Measures retrieval quality on a BEIR dataset: writes the corpus into `index`, ranks documents for
 * every judged query of the split (a document ranks by its best chunk), and scores the rankings with
 * nDCG@10, Recall@100 and MRR@10 as BEIR does, along with indexing time and query latency.
 *
 * The split's judgements and the queries are read before anything is indexed, so a wrong split or a
 * malformed file fails fast. Throws a `ValidationError` for a vector or hybrid evaluation without an
 * embedding, and for a split with no query to evaluate.
 */
export async function evaluateRetrieval(options: RetrievalEvaluationOptions): Promise<RetrievalEvaluation> {
  const { index, dataset, embedding, signal } = options;
  const mode = options.mode ?? 'keyword';
  const depth = options.depth ?? 100;
  const now = options.now ?? (() => performance.now());
  validateOptions(mode, depth, embedding);
  const { queries, judged } = await judgedQueries(dataset, options.split ?? 'test');

  const indexStarted = now();
  const counts = await indexBeirCorpus(index, dataset.corpus(), {
    chunkCharacters: options.chunkCharacters ?? 1500,
    ...(embedding ? { embedding } : {}),
    ...(signal ? { signal } : {}),
    onProgress: (progress) => options.onProgress?.({ phase: 'indexing', ...progress }),
  });
  const indexSeconds = (now() - indexStarted) / 1000;

  const { rankings, latencies } = await rankQueries(queries, { ...options, mode, depth, now });
  return {
    'ndcg@10': meanOverQueries(ndcgAt(10), rankings, judged),
    'recall@100': meanOverQueries(recallAt(100), rankings, judged),
    'mrr@10': meanOverQueries(reciprocalRankAt(10), rankings, judged),
    indexSeconds,
    queryP50Ms: percentile(latencies, 50),
    queryP95Ms: percentile(latencies, 95),
    queries: queries.size,
    documents: counts.documents,
    chunks: counts.chunks,
    mode,
  };
}

/**
 * The queries to score, in qrels order, with their judgements: those judged with at least one relevant
 * document (BEIR leaves the others out) that queries.jsonl has a text for.
 */
async function judgedQueries(
  dataset: BeirDataset,
  split: string,
): Promise<{ queries: Map<string, string>; judged: Map<string, Judgements> }> {
  const qrels = await dataset.qrels(split);
  const texts = await dataset.queries();
  const queries = new Map<string, string>();
  const judged = new Map<string, Judgements>();
  for (const [queryId, judgements] of qrels) {
    const text = texts.get(queryId);
    if (text === undefined || relevantCount(judgements) === 0) continue;
    queries.set(queryId, text);
    judged.set(queryId, judgements);
  }
  if (queries.size === 0) {
    throw new ValidationError(
      `The ${split} split of ${dataset.location} has no query with both a text and a relevant document.`,
      { hint: 'Check that queries.jsonl and the qrels file use the same query ids.' },
    );
  }
  return { queries, judged };
}

/** Ranks documents for every query, timing each search; a query with no words gets an empty ranking. */
async function rankQueries(
  queries: Map<string, string>,
  options: RetrievalEvaluationOptions & { mode: SearchMode; depth: number; now: () => number },
): Promise<{ rankings: Map<string, string[]>; latencies: number[] }> {
  const { index, mode, depth, now, signal } = options;
  const queryVectors = mode === 'keyword' ? undefined : await embedQueries(queries, options);
  const rankings = new Map<string, string[]>();
  const latencies: number[] = [];
  for (const [queryId, text] of queries) {
    signal?.throwIfAborted();
    if (hasWords(text)) {
      const queryVector = queryVectors?.get(queryId);
      const started = now();
      const ranking = await rankDocuments(index, {
        text,
        mode,
        depth,
        source: beirSource,
        excludeId: queryId,
        ...(queryVector ? { queryVector } : {}),
      });
      latencies.push(now() - started);
      rankings.set(queryId, ranking);
    } else {
      rankings.set(queryId, []);
    }
    options.onProgress?.({ phase: 'querying', done: rankings.size, total: queries.size });
  }
  return { rankings, latencies };
}

function validateOptions(mode: SearchMode, depth: number, embedding: EvaluationEmbedding | undefined): void {
  if (!searchModes.includes(mode)) {
    throw new ValidationError(
      `The search mode must be one of ${searchModes.join(', ')}, not ${JSON.stringify(mode)}.`,
    );
  }
  if (!Number.isInteger(depth) || depth < 1) {
    throw new ValidationError(
      `The number of documents per query must be a whole number of at least 1, not ${depth}.`,
    );
  }
  if (mode !== 'keyword' && !embedding) {
    throw new ValidationError(`A ${mode} evaluation needs an embedding model, and none is configured.`, {
      hint: 'Configure knowledge.embedding (provider and model) in quarry.config.yaml, or evaluate with --mode keyword.',
    });
  }
}

function hasWords(text: string): boolean {
  try {
    queryTerms(text);
    return true;
  } catch {
    return false;
  }
}

/** Embeds every query before any is timed, so latencies measure the index, not the model. */
async function embedQueries(
  queries: Map<string, string>,
  options: RetrievalEvaluationOptions,
): Promise<Map<string, Float32Array>> {
  const embedding = options.embedding as EvaluationEmbedding;
  const batchSize = embedding.batchSize ?? defaultEmbeddingBatchSize;
  const entries = [...queries].filter(([, text]) => hasWords(text));
  const vectors = new Map<string, Float32Array>();
  for (let start = 0; start < entries.length; start += batchSize) {
    options.signal?.throwIfAborted();
    const batch = entries.slice(start, start + batchSize);
    const embedded = await embedding.embed(batch.map(([, text]) => text));
    batch.forEach(([queryId], position) => {
      const vector = embedded[position];
      if (vector) vectors.set(queryId, vector);
    });
    options.onProgress?.({ phase: 'embedding-queries', done: vectors.size, total: entries.length });
  }
  return vectors;
}
