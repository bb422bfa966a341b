// `npm run bench -- assistant`: time-to-first-token of Quarry's ask pipeline (retrieval + packing +
// prompt + citation checking) against calling the same in-process model directly, on the NFCorpus index.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { LanguageModelV3, LanguageModelV3CallOptions } from '@ai-sdk/provider';
import { streamText, wrapLanguageModel } from 'ai';
import { createLanguageRuntime } from '../src/adapters/ai-sdk/create-language-runtime.ts';
import { createSqliteSearchIndex } from '../src/adapters/sqlite/sqlite-search-index.ts';
import { answerQuestion } from '../src/assistant/answer-question.ts';
import type { AssistantDependencies } from '../src/assistant/assistant-types.ts';
import { configSchema } from '../src/core/config.ts';
import type { LanguageRuntime } from '../src/core/ports/language-runtime.ts';
import { openBeirDataset } from '../src/knowledge/evaluation/beir-dataset.ts';
import { indexBeirCorpus } from '../src/knowledge/evaluation/index-beir-corpus.ts';
import { percentile } from '../src/knowledge/evaluation/percentile.ts';
import { searchKnowledge } from '../src/knowledge/search-knowledge.ts';

function options() {
  const { values } = parseArgs({
    args: process.argv.slice(3),
    options: {
      dataset: { type: 'string', default: '../shared/datasets/nfcorpus.zip' },
      model: { type: 'string', default: '../shared/models/stories260K.gguf' },
      queries: { type: 'string', default: '25' },
    },
  });
  const queries = Number(values.queries);
  if (!Number.isInteger(queries) || queries < 1)
    throw new Error(`--queries takes a whole number, not ${values.queries}`);
  for (const file of [values.dataset, values.model]) {
    if (!existsSync(file)) throw new Error(`${file} does not exist (run from the repository root)`);
  }
  return { dataset: values.dataset, model: values.model, queries };
}

/** Milliseconds until the first text when the model gets exactly the call Quarry made. */
async function timeSamePrompt(runtime: LanguageRuntime, call: LanguageModelV3CallOptions): Promise<number> {
  const model = runtime.model as LanguageModelV3;
  const started = performance.now();
  const { stream } = await model.doStream(call);
  let first: number | undefined;
  const reader = stream.getReader();
  for (let part = await reader.read(); !part.done; part = await reader.read()) {
    if (first === undefined && part.value.type === 'text-delta') first = performance.now();
  }
  return (first ?? performance.now()) - started;
}

/** Milliseconds from the call until the first text reaches the caller. */
async function timeDirect(runtime: LanguageRuntime, question: string): Promise<number> {
  const started = performance.now();
  let first: number | undefined;
  const result = streamText({
    model: runtime.model,
    prompt: question,
    maxOutputTokens: runtime.maxOutputTokens,
  });
  for await (const text of result.textStream)
    if (first === undefined && text !== '') first = performance.now();
  return (first ?? performance.now()) - started;
}

async function timeQuarry(
  dependencies: AssistantDependencies,
  question: string,
): Promise<{ ttft: number; packed: number; started: number; promptTokens: number }> {
  const started = performance.now();
  let first: number | undefined;
  const result = await answerQuestion(dependencies, {
    question,
    onText: () => {
      first ??= performance.now();
    },
  });
  return {
    ttft: (first ?? performance.now()) - started,
    packed: result.retrieval.packed,
    started,
    promptTokens: result.usage.inputTokens ?? 0,
  };
}

async function timeRetrieval(dependencies: AssistantDependencies, question: string): Promise<number> {
  const started = performance.now();
  await dependencies.search({ text: question, limit: dependencies.retrievalK, filters: {} });
  return performance.now() - started;
}

/** Runs the benchmark and prints a table and one JSON line. */
export async function main(): Promise<void> {
  const settings = options();
  const work = mkdtempSync(path.join(tmpdir(), 'quarry-bench-assistant-'));
  const dataset = await openBeirDataset(settings.dataset);
  const index = createSqliteSearchIndex({ path: path.join(work, 'index.sqlite') });
  const models = configSchema.parse({}).models;
  const runtime = await createLanguageRuntime(
    {
      name: 'stories260K',
      origin: 'configured',
      entry: { provider: 'llama-cpp', model: path.resolve(settings.model), maxOutputTokens: 8 },
    },
    { models, modelsFolder: path.join(work, 'models'), threads: 2, environment: {} },
  );
  try {
    const counts = await indexBeirCorpus(index, dataset.corpus(), { chunkCharacters: 1500 });
    const queries = [...(await dataset.queries()).values()].slice(0, settings.queries);
    // Records the exact call Quarry makes, so the model can be timed on that same prompt alone.
    const calls: LanguageModelV3CallOptions[] = [];
    const callTimes: number[] = [];
    const recording = wrapLanguageModel({
      model: runtime.model as LanguageModelV3,
      middleware: {
        specificationVersion: 'v3',
        transformParams: async ({ params }) => {
          callTimes.push(performance.now());
          calls.push(params);
          return params;
        },
      },
    });
    const dependencies: AssistantDependencies = {
      search: (request) => searchKnowledge({ index }, request),
      runtime: { ...runtime, model: recording },
      historyTurns: 0,
      retrievalK: models.retrievalK,
    };
    // Warm up: the first calls pay for page faults and llama.cpp's first batches.
    for (const question of queries.slice(0, 3)) {
      await timeDirect(runtime, question);
      await timeQuarry(dependencies, question);
    }
    const direct: number[] = [];
    const samePrompt: number[] = [];
    const quarry: number[] = [];
    const overheadOverQuestion: number[] = [];
    const overheadOverSamePrompt: number[] = [];
    const retrieval: number[] = [];
    const packed: number[] = [];
    const beforeModel: number[] = [];
    const promptTokens: number[] = [];
    for (const question of queries) {
      // Each Quarry call and each same-prompt call follows a bare-question call, so both start from the
      // same llama.cpp cache state (the adapter reuses the longest common prefix of the previous call).
      await timeDirect(runtime, question);
      const quarryRun = await timeQuarry(dependencies, question);
      const call = calls.at(-1) as LanguageModelV3CallOptions;
      // Quarry's own work, measured directly: from the question to the moment the model is called.
      beforeModel.push((callTimes.at(-1) as number) - quarryRun.started);
      promptTokens.push(quarryRun.promptTokens);
      const directMs = await timeDirect(runtime, question);
      const sameMs = await timeSamePrompt(runtime, call);
      direct.push(directMs);
      samePrompt.push(sameMs);
      quarry.push(quarryRun.ttft);
      overheadOverQuestion.push(quarryRun.ttft - directMs);
      overheadOverSamePrompt.push(quarryRun.ttft - sameMs);
      packed.push(quarryRun.packed);
      retrieval.push(await timeRetrieval(dependencies, question));
    }
    const result = {
      benchmark: 'assistant',
      model: runtime.modelId,
      contextTokens: runtime.contextTokens,
      documents: counts.documents,
      chunks: counts.chunks,
      queries: queries.length,
      meanPassagesPacked: packed.reduce((sum, value) => sum + value, 0) / packed.length,
      directQuestionTtftP50Ms: percentile(direct, 50),
      directQuestionTtftP95Ms: percentile(direct, 95),
      directSamePromptTtftP50Ms: percentile(samePrompt, 50),
      directSamePromptTtftP95Ms: percentile(samePrompt, 95),
      quarryTtftP50Ms: percentile(quarry, 50),
      quarryTtftP95Ms: percentile(quarry, 95),
      overheadOverQuestionP50Ms: percentile(overheadOverQuestion, 50),
      overheadOverQuestionP95Ms: percentile(overheadOverQuestion, 95),
      overheadOverSamePromptP50Ms: percentile(overheadOverSamePrompt, 50),
      overheadOverSamePromptP95Ms: percentile(overheadOverSamePrompt, 95),
      retrievalP50Ms: percentile(retrieval, 50),
      beforeModelP50Ms: percentile(beforeModel, 50),
      beforeModelP95Ms: percentile(beforeModel, 95),
      meanPromptTokens: promptTokens.reduce((sum, value) => sum + value, 0) / promptTokens.length,
      targetOverheadP50Ms: 20,
    };
    printTable(result);
  } finally {
    await runtime.close();
    await index.close();
    await dataset.close();
    rmSync(work, { recursive: true, force: true });
  }
}

function printTable(result: Record<string, number | string>): void {
  const ms = (key: string) => `${Number(result[key]).toFixed(2)} ms`;
  console.log(
    `NFCorpus: ${result.documents} documents, ${result.chunks} chunks; ${result.queries} questions; model ${result.model} (${result.contextTokens}-token context), ${Number(result.meanPassagesPacked).toFixed(1)} passages packed on average\n`,
  );
  console.log('| time to first token | p50 | p95 |');
  console.log('|---|---|---|');
  console.log(
    `| model, bare question (baseline 1) | ${ms('directQuestionTtftP50Ms')} | ${ms('directQuestionTtftP95Ms')} |`,
  );
  console.log(
    `| model, Quarry's exact prompt (baseline 2) | ${ms('directSamePromptTtftP50Ms')} | ${ms('directSamePromptTtftP95Ms')} |`,
  );
  console.log(`| quarry ask pipeline | ${ms('quarryTtftP50Ms')} | ${ms('quarryTtftP95Ms')} |`);
  console.log(
    `| overhead over baseline 1 (retrieval + packing + prompt evaluation) | ${ms('overheadOverQuestionP50Ms')} | ${ms('overheadOverQuestionP95Ms')} |`,
  );
  console.log(
    `| overhead over baseline 2 (difference of two model runs, noisy) | ${ms('overheadOverSamePromptP50Ms')} | ${ms('overheadOverSamePromptP95Ms')} |`,
  );
  console.log(
    `| Quarry's own work, measured directly (question → model call) | ${ms('beforeModelP50Ms')} | ${ms('beforeModelP95Ms')} |`,
  );
  console.log(`| retrieval alone | ${ms('retrievalP50Ms')} | |`);
  const verdict = (key: string) => (Number(result[key]) < 20 ? 'met' : 'missed');
  console.log(`\nprompt: ${Number(result.meanPromptTokens).toFixed(0)} tokens on average`);
  console.log(
    `overhead p50 (target < 20 ms): Quarry's own work ${ms('beforeModelP50Ms')} ${verdict('beforeModelP50Ms')}; with the model's evaluation of the added passages ${ms('overheadOverQuestionP50Ms')} ${verdict('overheadOverQuestionP50Ms')}`,
  );
  console.log(JSON.stringify(result));
}
