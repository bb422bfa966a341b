import { APICallError } from 'ai';
import { MockEmbeddingModelV3 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import type { EmbeddingSettings } from '../core/config.ts';
import { UpstreamError, ValidationError } from '../core/errors/index.ts';
import { type EmbeddingRuntime, embeddingKey } from '../core/ports/embedding-runtime.ts';
import { embedTexts } from './embedding-runtime.ts';

/** A model answering each text with `[length, 1, 0]`, recording the batches it saw. */
function recordingRuntime(answer?: (values: string[]) => number[][]): {
  runtime: EmbeddingRuntime;
  batches: string[][];
} {
  const batches: string[][] = [];
  const model = new MockEmbeddingModelV3({
    maxEmbeddingsPerCall: 100,
    doEmbed: async ({ values }) => {
      batches.push(values);
      return {
        embeddings: answer ? answer(values) : values.map((value) => [value.length, 1, 0]),
        warnings: [],
      };
    },
  });
  return {
    runtime: { key: 'test:model', description: 'a test model', model, close: async () => {} },
    batches,
  };
}

function failingRuntime(error: unknown): EmbeddingRuntime {
  const model = new MockEmbeddingModelV3({
    doEmbed: async () => {
      throw error;
    },
  });
  return { key: 'test:model', description: 'a test model', model, close: async () => {} };
}

function settings(overrides: Partial<EmbeddingSettings>): EmbeddingSettings {
  return { provider: 'openai-compatible', batchSize: 32, ...overrides };
}

describe('embedTexts', () => {
  it('embeds in batches of batchSize, in order, with unit-length vectors', async () => {
    const { runtime, batches } = recordingRuntime();
    const texts = Array.from({ length: 7 }, (_, index) => 'x'.repeat(index + 1));
    const vectors = await embedTexts(runtime, texts, { batchSize: 3 });
    expect(batches.map((batch) => batch.length)).toEqual([3, 3, 1]);
    expect(batches.flat()).toEqual(texts);
    expect(vectors).toHaveLength(7);
    for (const [index, vector] of vectors.entries()) {
      expect(vector).toBeInstanceOf(Float32Array);
      const length = index + 1;
      const norm = Math.hypot(length, 1);
      expect(vector[0]).toBeCloseTo(length / norm, 6);
      expect(vector[1]).toBeCloseTo(1 / norm, 6);
      expect(Math.hypot(...vector)).toBeCloseTo(1, 6);
    }
  });

  it('returns no vectors and makes no call for no texts', async () => {
    const { runtime, batches } = recordingRuntime();
    expect(await embedTexts(runtime, [], { batchSize: 8 })).toEqual([]);
    expect(batches).toEqual([]);
  });

  it('keeps an all-zero vector zero instead of dividing by zero', async () => {
    const { runtime } = recordingRuntime((values) => values.map(() => [0, 0, 0]));
    const [vector] = await embedTexts(runtime, [''], { batchSize: 1 });
    expect([...(vector ?? [])]).toEqual([0, 0, 0]);
  });

  it('rejects vectors with non-finite values, of different lengths, or of the wrong count', async () => {
    const cases: Array<(values: string[]) => number[][]> = [
      (values) => values.map(() => [Number.NaN, 1]),
      (values) => values.map((_, index) => (index === 0 ? [1, 2] : [1, 2, 3])),
      (values) => values.slice(1).map(() => [1, 2]),
      (values) => values.map(() => []),
    ];
    for (const answer of cases) {
      const { runtime } = recordingRuntime(answer);
      await expect(embedTexts(runtime, ['a', 'b'], { batchSize: 2 })).rejects.toBeInstanceOf(UpstreamError);
    }
  });

  it('turns a refused call into an UpstreamError naming the model, with a credentials hint for 401', async () => {
    const refused = new APICallError({
      message: 'Incorrect API key provided.',
      url: 'http://127.0.0.1/v1/embeddings',
      requestBodyValues: {},
      statusCode: 401,
      isRetryable: false,
    });
    const error = await embedTexts(failingRuntime(refused), ['a'], { batchSize: 1 }).catch(
      (caught) => caught,
    );
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toBe(
      'The embedding model test:model failed: it answered 401 (Incorrect API key provided.).',
    );
    expect(error.hint).toMatch(/apiKey/);
  });

  it('reports the last error after the retries of a retryable failure', async () => {
    let calls = 0;
    const model = new MockEmbeddingModelV3({
      doEmbed: async () => {
        calls += 1;
        throw new APICallError({
          message: 'overloaded',
          url: 'http://127.0.0.1/v1/embeddings',
          requestBodyValues: {},
          statusCode: 503,
          // An immediate retry keeps the test fast.
          responseHeaders: { 'retry-after-ms': '0' },
          isRetryable: true,
        });
      },
    });
    const runtime = { key: 'test:model', description: '', model, close: async () => {} };
    const error = await embedTexts(runtime, ['a'], { batchSize: 1 }).catch((caught) => caught);
    expect(calls).toBe(3);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toBe(
      'The embedding model test:model failed after 3 attempts: it answered 503 (overloaded).',
    );
    expect(error.hint).toMatch(/endpoint/);
  });

  it('rejects with the abort reason when the signal is aborted, before or between batches', async () => {
    const { runtime, batches } = recordingRuntime();
    const before = new AbortController();
    before.abort(new Error('stopped'));
    await expect(embedTexts(runtime, ['a'], { batchSize: 1, abortSignal: before.signal })).rejects.toThrow(
      'stopped',
    );
    expect(batches).toEqual([]);

    const between = new AbortController();
    const { runtime: slow, batches: seen } = recordingRuntime((values) => {
      between.abort(new Error('stopped later'));
      return values.map(() => [1]);
    });
    await expect(
      embedTexts(slow, ['a', 'b', 'c'], { batchSize: 1, abortSignal: between.signal }),
    ).rejects.toThrow('stopped later');
    expect(seen).toHaveLength(1);
  });

  it('refuses a batch size below 1', async () => {
    const { runtime } = recordingRuntime();
    await expect(embedTexts(runtime, ['a'], { batchSize: 0 })).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('embeddingKey', () => {
  it('is undefined for provider none', () => {
    expect(embeddingKey({ provider: 'none', batchSize: 32 })).toBeUndefined();
  });

  it('is provider:model, plus @dimensions when dimensions are requested', () => {
    expect(embeddingKey(settings({ model: 'nomic-embed-text' }))).toBe('openai-compatible:nomic-embed-text');
    expect(embeddingKey(settings({ model: 'text-embedding-3-small', dimensions: 256 }))).toBe(
      'openai-compatible:text-embedding-3-small@256',
    );
    expect(
      embeddingKey(settings({ provider: 'bedrock', model: 'amazon.titan-embed-text-v2:0', dimensions: 512 })),
    ).toBe('bedrock:amazon.titan-embed-text-v2:0@512');
  });

  it('ignores the batch size, base URL and API key', () => {
    const plain = embeddingKey(settings({ model: 'm' }));
    const other = embeddingKey(
      settings({
        model: 'm',
        batchSize: 7,
        baseUrl: 'https://user:pass@example.com/v1',
        apiKey: 'sk-secret',
      }),
    );
    expect(other).toBe(plain);
  });

  it('uses only the GGUF file name for llama-cpp, so a URL and its local copy share a key', () => {
    const expected = 'llama-cpp:nomic-embed-text-v1.5.Q8_0.gguf';
    for (const model of [
      '/models/nomic-embed-text-v1.5.Q8_0.gguf',
      './nomic-embed-text-v1.5.Q8_0.gguf',
      'C:\\models\\nomic-embed-text-v1.5.Q8_0.gguf',
      'hf:nomic-ai/nomic-embed-text-v1.5-GGUF/nomic-embed-text-v1.5.Q8_0.gguf#main',
      'https://user:secret@example.com/files/nomic-embed-text-v1.5.Q8_0.gguf?token=abc',
    ]) {
      expect(embeddingKey(settings({ provider: 'llama-cpp', model }))).toBe(expected);
    }
  });

  it('never contains URL credentials', () => {
    const key = embeddingKey(settings({ provider: 'llama-cpp', model: 'https://user:secret@example.com' }));
    expect(key).not.toContain('secret');
  });

  it('requires a model for every provider but none', () => {
    for (const provider of ['openai-compatible', 'bedrock', 'llama-cpp'] as const) {
      let error: unknown;
      try {
        embeddingKey(settings({ provider }));
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).message).toContain('knowledge.embedding.model is required');
      expect((error as ValidationError).hint).toContain('QUARRY_EMBEDDING_MODEL');
    }
  });
});
