import { fileURLToPath } from 'node:url';
import { embed, generateText } from 'ai';
import { describe, expect, it } from 'vitest';
import { LlamaCppEmbeddingModel } from './llama-cpp-embedding-model.ts';
import { LlamaCppLanguageModel } from './llama-cpp-language-model.ts';
import { acquireLlama } from './load-llama.ts';

const modelPath = fileURLToPath(new URL('../../../../shared/models/stories260K.gguf', import.meta.url));

describe('acquireLlama', () => {
  it('shares one llama.cpp instance between holders and frees it with the last release', async () => {
    const first = await acquireLlama(undefined, 'hint');
    const second = await acquireLlama(undefined, 'hint');
    expect(second.llama).toBe(first.llama);
    await first.release();
    await first.release(); // idempotent: does not count twice
    expect(first.llama.disposed).toBe(false);
    await second.release();
    expect(first.llama.disposed).toBe(true);
    const third = await acquireLlama(undefined, 'hint');
    expect(third.llama).not.toBe(first.llama);
    await third.release();
  });

  it('lets an embedding model and a language model run side by side and close in either order', async () => {
    const embedding = await LlamaCppEmbeddingModel.load({ modelPath, threads: 1 });
    const language = await LlamaCppLanguageModel.load({ modelPath, threads: 1 });
    await embedding.close();
    const answer = await generateText({ model: language, prompt: 'Once upon a time', maxOutputTokens: 4 });
    expect(answer.text.length).toBeGreaterThan(0);
    await language.close();
    const again = await LlamaCppEmbeddingModel.load({ modelPath, threads: 1 });
    const { embedding: vector } = await embed({ model: again, value: 'a cat' });
    expect(vector.length).toBe(again.dimensions);
    await again.close();
  });
});
