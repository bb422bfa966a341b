import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Command } from 'commander';
import type { Services } from '../../app/create-services.ts';
import { createScratchSearchIndex, openEmbeddingRuntime } from '../../app/open-adapters.ts';
import { ValidationError } from '../../core/errors/index.ts';
import type { SearchIndex, SearchMode } from '../../core/ports/search-index.ts';
import { openBeirDataset } from '../../knowledge/evaluation/beir-dataset.ts';
import {
  evaluateRetrieval,
  type RetrievalEvaluation,
  type RetrievalEvaluationProgress,
} from '../../knowledge/evaluation/evaluate-retrieval.ts';
import type { EvaluationEmbedding } from '../../knowledge/evaluation/evaluation-embedding.ts';
import { storableModelSettings } from '../../knowledge/vector-space-for.ts';
import { embedTexts } from '../../models/embedding-runtime.ts';
import { type CliIo, withServices } from '../cli-context.ts';
import { formatTable } from '../format-table.ts';
import { waitForStop } from '../stop-signal.ts';

interface RetrievalCommandOptions {
  dataset: string;
  split: string;
  mode: string;
  k: string;
  json?: boolean;
}

const modes: readonly SearchMode[] = ['keyword', 'vector', 'hybrid'];

/** Registers `quarry eval` and its `retrieval` subcommand. */
export function registerEvalCommand(program: Command, io: CliIo): void {
  const evaluation = program.command('eval').description('measure Quarry on public benchmarks');
  evaluation
    .command('retrieval')
    .description(
      'index a BEIR dataset into a scratch index (deleted afterwards) and report nDCG@10, Recall@100, MRR@10, indexing time and query latency',
    )
    .requiredOption(
      '--dataset <path>',
      'folder or .zip in the BEIR layout (corpus.jsonl, queries.jsonl, qrels/)',
    )
    .option('--split <name>', 'which qrels/<split>.tsv to evaluate', 'test')
    .option(
      '--mode <mode>',
      'keyword, vector or hybrid (vector and hybrid need knowledge.embedding)',
      'keyword',
    )
    .option('--k <number>', 'documents retrieved per query (Recall@100 looks at the first 100)', '100')
    .option('--json', 'print one JSON object')
    .action(async (options: RetrievalCommandOptions, command: Command) => {
      const mode = parseMode(options.mode);
      const depth = parseDepth(options.k);
      const location = path.resolve(io.cwd, options.dataset);
      await withServices(command, io, async (services) => {
        const settings: EvaluationSettings = { ...options, location, mode, depth };
        const result = await runEvaluation(services, io, settings);
        io.stdout(
          options.json ? `${JSON.stringify(toJson(result), null, 2)}\n` : formatResult(result, settings),
        );
      });
    });
}

type EvaluationSettings = RetrievalCommandOptions & { location: string; mode: SearchMode; depth: number };

/** Evaluates into a scratch index in a temporary folder, which is removed afterwards. */
async function runEvaluation(
  services: Services,
  io: CliIo,
  settings: EvaluationSettings,
): Promise<RetrievalEvaluation> {
  const dataset = await openBeirDataset(settings.location);
  try {
    return await withScratchFolder(async (folder) => {
      const stop = waitForStop(services.logger);
      const progress = settings.json ? undefined : progressReporter(io);
      let index: SearchIndex | undefined;
      let opened: OpenedEmbedding | undefined;
      try {
        opened = settings.mode === 'keyword' ? undefined : await openEmbedding(services);
        const embedding = opened?.embedding;
        index = createScratchSearchIndex(path.join(folder, 'index.sqlite'));
        return await evaluateRetrieval({
          index,
          dataset,
          split: settings.split,
          mode: settings.mode,
          depth: settings.depth,
          chunkCharacters: services.config.knowledge.chunkCharacters,
          signal: stop.signal,
          ...(embedding ? { embedding } : {}),
          ...(progress ? { onProgress: progress.update } : {}),
        });
      } finally {
        await index?.close();
        await opened?.close();
        progress?.stop();
        stop.dispose();
      }
    });
  } finally {
    await dataset.close();
  }
}

/** Runs `action` with a new temporary folder, removed afterwards: on success, on error, and on Ctrl-C. */
async function withScratchFolder<T>(action: (folder: string) => Promise<T>): Promise<T> {
  const folder = await mkdtemp(path.join(tmpdir(), 'quarry-eval-'));
  // A second Ctrl-C calls process.exit (see waitForStop), after which only synchronous 'exit' handlers run.
  const removeNow = () => rmSync(folder, { recursive: true, force: true });
  process.once('exit', removeNow);
  try {
    return await action(folder);
  } finally {
    process.off('exit', removeNow);
    await rm(folder, { recursive: true, force: true });
  }
}

/** An evaluation's embedding and how to release its model. */
interface OpenedEmbedding {
  embedding: EvaluationEmbedding;
  close(): Promise<void>;
}

/**
 * The embedding model of `knowledge.embedding`, as the evaluation needs it; `undefined` when none is
 * configured (the evaluation then says to configure one). The model SDKs load only here, when asked for.
 */
async function openEmbedding(services: Services): Promise<OpenedEmbedding | undefined> {
  const settings = services.config.knowledge.embedding;
  const runtime = await openEmbeddingRuntime(services);
  if (!runtime) return undefined;
  return {
    embedding: {
      spaceKey: runtime.key,
      batchSize: settings.batchSize,
      model: storableModelSettings(settings),
      embed: (texts) => embedTexts(runtime, texts, { batchSize: settings.batchSize }),
    },
    close: () => runtime.close(),
  };
}

function parseMode(text: string): SearchMode {
  if (!modes.includes(text as SearchMode)) {
    throw new ValidationError(`--mode takes keyword, vector or hybrid, got ${JSON.stringify(text)}.`);
  }
  return text as SearchMode;
}

function parseDepth(text: string): number {
  const depth = Number(text);
  if (!Number.isInteger(depth) || depth < 1 || depth > 10_000) {
    throw new ValidationError(`--k takes a whole number from 1 to 10000, got ${JSON.stringify(text)}.`, {
      hint: 'Use at least 100 for a meaningful Recall@100.',
    });
  }
  return depth;
}

/** The JSON output, metric keys first, as scripts comparing runs expect them. */
function toJson(result: RetrievalEvaluation): Record<string, unknown> {
  return {
    'ndcg@10': result['ndcg@10'],
    'recall@100': result['recall@100'],
    'mrr@10': result['mrr@10'],
    indexSeconds: result.indexSeconds,
    queryP50Ms: result.queryP50Ms,
    queryP95Ms: result.queryP95Ms,
    mode: result.mode,
    queries: result.queries,
    documents: result.documents,
    chunks: result.chunks,
  };
}

function formatResult(
  result: RetrievalEvaluation,
  options: RetrievalCommandOptions & { depth: number },
): string {
  const rows = [
    ['nDCG@10', result['ndcg@10'].toFixed(4)],
    ['Recall@100', result['recall@100'].toFixed(4)],
    ['MRR@10', result['mrr@10'].toFixed(4)],
    ['index time', `${result.indexSeconds.toFixed(1)} s`],
    ['query latency p50', `${result.queryP50Ms.toFixed(1)} ms`],
    ['query latency p95', `${result.queryP95Ms.toFixed(1)} ms`],
  ];
  const scope = `${result.documents} documents in ${result.chunks} chunks, ${result.queries} queries`;
  return `Retrieval on ${path.basename(options.dataset)} (${options.split} split, ${result.mode} search, ${options.depth} documents per query; ${scope})\n\n${formatTable(['METRIC', 'VALUE'], rows)}\n`;
}

/** Where the evaluation is, on standard error: one redrawn line on a terminal, else a line every few seconds. */
function progressReporter(io: CliIo): {
  update: (progress: RetrievalEvaluationProgress) => void;
  stop: () => void;
} {
  let lastPhase = '';
  let lastAt = 0;
  let drawn = false;
  return {
    update(progress) {
      const now = Date.now();
      const interval = io.interactive ? 100 : 5000;
      if (progress.phase === lastPhase && now - lastAt < interval) return;
      lastPhase = progress.phase;
      lastAt = now;
      const text =
        progress.phase === 'indexing'
          ? `indexing: ${progress.documents} documents, ${progress.chunks} chunks`
          : `${progress.phase === 'querying' ? 'querying' : 'embedding queries'}: ${progress.done} of ${progress.total}`;
      if (io.interactive) {
        io.stderr(`\r\u001b[K${text}`);
        drawn = true;
      } else {
        io.stderr(`${text}\n`);
      }
    },
    stop() {
      if (drawn) io.stderr('\r\u001b[K');
    },
  };
}
