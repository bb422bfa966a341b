import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors/index.ts';
import type { EmbeddingRuntime } from '../../core/ports/embedding-runtime.ts';
import { embedTexts } from '../../models/embedding-runtime.ts';
import { LlamaCppEmbeddingModel } from './llama-cpp-embedding-model.ts';

/** A real 1 MB llama model (MIT): tiny, but it goes through the same llama.cpp code as a large one. */
const modelPath = fileURLToPath(new URL('../../../../shared/models/stories260K.gguf', import.meta.url));

let model: LlamaCppEmbeddingModel;
let runtime: EmbeddingRuntime;

beforeAll(async () => {
  model = await LlamaCppEmbeddingModel.load({ modelPath, threads: 2, maxInputTokens: 128 });
  runtime = { key: 'llama-cpp:stories260K.gguf', description: 'test', model, close: () => model.close() };
});

afterAll(async () => {
  await model?.close();
});

describe('LlamaCppEmbeddingModel', () => {
  it('describes itself as an AI SDK v3 embedding model', () => {
    expect(model.specificationVersion).toBe('v3');
    expect(model.provider).toBe('llama-cpp');
    expect(model.modelId).toBe('stories260K.gguf');
    expect(model.supportsParallelCalls).toBe(false);
    expect(model.dimensions).toBeGreaterThan(0);
  });

  it('embeds texts into finite, normalised vectors of one length; the same text gives the same vector', async () => {
    const texts = [
      'Once upon a time there was a little dog.',
      'The sun was shining.',
      'The sun was shining.',
    ];
    const vectors = await embedTexts(runtime, texts, { batchSize: 2 });
    expect(vectors).toHaveLength(3);
    for (const vector of vectors) {
      expect(vector.length).toBe(model.dimensions);
      expect(vector.every(Number.isFinite)).toBe(true);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
    }
    expect([...(vectors[1] ?? [])]).toEqual([...(vectors[2] ?? [])]);
    expect([...(vectors[0] ?? [])]).not.toEqual([...(vectors[1] ?? [])]);
  });

  it('cuts a text longer than the context instead of failing', async () => {
    const long = 'the little dog ran to the park and played with a ball. '.repeat(200);
    const result = await model.doEmbed({ values: [long] });
    expect(result.embeddings[0]).toHaveLength(model.dimensions);
    expect(result.embeddings[0]?.every(Number.isFinite)).toBe(true);
    expect(result.usage?.tokens).toBeLessThan(128);
  });

  it('gives an empty text an all-zero vector of the usual length', async () => {
    const result = await model.doEmbed({ values: [''] });
    expect(result.embeddings[0]).toEqual(new Array(model.dimensions).fill(0));
  });

  it('stops between texts when aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(model.doEmbed({ values: ['a', 'b'], abortSignal: controller.signal })).rejects.toThrow(
      'stop',
    );
  });
});

describe('LlamaCppEmbeddingModel.load', () => {
  it('is a ValidationError for a file that is not a GGUF model', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'quarry-llama-'));
    try {
      const fake = path.join(folder, 'broken.gguf');
      await writeFile(fake, 'this is not a model');
      const error = await LlamaCppEmbeddingModel.load({ modelPath: fake }).catch((caught) => caught);
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toMatch(/^llama\.cpp could not load the embedding model broken\.gguf: /);
      expect(error.hint).toContain('GGUF');
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });
});
