import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LanguageModelV3CallOptions, LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { generateText, streamText } from 'ai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '../../core/errors/index.ts';
import { LlamaCppLanguageModel } from './llama-cpp-language-model.ts';

/** A real 1 MB llama model (MIT): tiny, but it goes through the same llama.cpp code as a large one. */
const modelPath = fileURLToPath(new URL('../../../../shared/models/stories260K.gguf', import.meta.url));

/**
 * One thread: test files run in parallel, and two llama.cpp threads that wait for each other on a busy
 * machine make a 32-token answer take seconds instead of milliseconds.
 */
const threads = 1;
const contextSize = 512;

let model: LlamaCppLanguageModel;

beforeAll(async () => {
  model = await LlamaCppLanguageModel.load({ modelPath, threads, contextSize });
});

afterAll(async () => {
  await model?.close();
});

function userPrompt(text: string): LanguageModelV3CallOptions['prompt'] {
  return [{ role: 'user', content: [{ type: 'text', text }] }];
}

async function readAll(
  stream: ReadableStream<LanguageModelV3StreamPart>,
): Promise<LanguageModelV3StreamPart[]> {
  const parts: LanguageModelV3StreamPart[] = [];
  const reader = stream.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) parts.push(next.value);
  return parts;
}

describe('LlamaCppLanguageModel', () => {
  it('describes itself as an AI SDK v3 language model with its context size and chat format', () => {
    expect(model.specificationVersion).toBe('v3');
    expect(model.provider).toBe('llama-cpp');
    expect(model.modelId).toBe('stories260K.gguf');
    expect(model.supportedUrls).toEqual({});
    expect(model.contextTokens).toBe(contextSize);
    // The file has no chat template; its BOS token "<s>" makes node-llama-cpp choose the Llama 2 format.
    expect(model.chatWrapperName).toBe('Llama2Chat');
  });

  it('counts tokens exactly, and a formatted prompt counts more than its bare text', () => {
    const text = 'Once upon a time there was a little dog.';
    expect(model.countTokens(text)).toBeGreaterThan(5);
    expect(model.countTokens('')).toBe(0);
    expect(model.countPromptTokens(userPrompt(text))).toBeGreaterThan(model.countTokens(text));
  });

  it('answers through generateText with honest usage, stopping at maxOutputTokens', async () => {
    const prompt = 'Once upon a time';
    const result = await generateText({ model, prompt, maxOutputTokens: 12, temperature: 0 });
    expect(result.text.trim()).not.toBe('');
    expect(result.finishReason).toBe('length');
    expect(result.rawFinishReason).toBe('maxTokens');
    expect(result.usage.inputTokens).toBe(model.countPromptTokens(userPrompt(prompt)));
    expect(result.usage.outputTokens).toBe(12);
    expect(result.warnings).toEqual([]);
    expect(result.response.modelId).toBe('stories260K.gguf');
  });

  it('streams several deltas whose concatenation is the same answer generateText gives', async () => {
    const settings = { model, prompt: 'The little cat', maxOutputTokens: 16, temperature: 0 } as const;
    const whole = await generateText(settings);
    const stream = streamText(settings);
    const deltas: string[] = [];
    for await (const delta of stream.textStream) deltas.push(delta);
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join('')).toBe(whole.text);
    expect(await stream.text).toBe(whole.text);
    expect(await stream.finishReason).toBe('length');
    expect((await stream.usage).outputTokens).toBe(16);
  });

  it('emits stream parts in the V3 order: start, metadata, one text run, finish', async () => {
    const { stream } = await model.doStream({ prompt: userPrompt('Once upon a time'), maxOutputTokens: 6 });
    const types = (await readAll(stream)).map((part) => part.type);
    expect(types.slice(0, 3)).toEqual(['stream-start', 'response-metadata', 'text-start']);
    expect(types.slice(-2)).toEqual(['text-end', 'finish']);
    expect(types.slice(3, -2).every((type) => type === 'text-delta')).toBe(true);
  });

  it('stops at a stop sequence, leaving it out of the answer', async () => {
    const prompt = userPrompt('Once upon a time');
    const full = await model.doGenerate({ prompt, maxOutputTokens: 24 });
    const fullText = full.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
    const stop = fullText.split(/\s+/).filter((word) => /^[a-z]{3,}$/.test(word))[1];
    expect(stop).toBeDefined();
    const result = await generateText({
      model,
      prompt: 'Once upon a time',
      maxOutputTokens: 24,
      stopSequences: [stop ?? ''],
    });
    expect(result.finishReason).toBe('stop');
    expect(result.text).not.toContain(stop);
    expect(fullText.startsWith(result.text)).toBe(true);
  });

  it('gives the same sampled answer for the same seed', async () => {
    const settings = {
      model,
      prompt: 'Once upon a time',
      maxOutputTokens: 12,
      temperature: 1,
      seed: 42,
    } as const;
    const first = await generateText(settings);
    const second = await generateText(settings);
    expect(second.text).toBe(first.text);
  });

  it('stops generating when a stream is aborted, and the SDK reports an abort', async () => {
    const controller = new AbortController();
    const stream = streamText({
      model,
      prompt: 'Once upon a time',
      maxOutputTokens: 400,
      abortSignal: controller.signal,
    });
    let deltas = 0;
    const types: string[] = [];
    for await (const part of stream.fullStream) {
      types.push(part.type);
      if (part.type === 'text-delta' && ++deltas === 3) controller.abort();
    }
    expect(types).toContain('abort');
    expect(types).not.toContain('error');
    expect(deltas).toBeLessThan(10);
    // The model is still usable afterwards.
    const after = await generateText({ model, prompt: 'Once', maxOutputTokens: 4 });
    expect(after.usage.outputTokens).toBe(4);
  });

  it('stops generating when the reader cancels the stream, freeing the model for the next call', async () => {
    const { stream } = await model.doStream({
      prompt: userPrompt('Once upon a time'),
      maxOutputTokens: 2000,
    });
    const reader = stream.getReader();
    for (let part = await reader.read(); part.value?.type !== 'text-delta'; part = await reader.read());
    await reader.cancel();
    const next = await model.doGenerate({ prompt: userPrompt('Once'), maxOutputTokens: 3 });
    expect(next.usage.outputTokens.total).toBe(3);
  });

  it('rejects doGenerate with the abort reason', async () => {
    const controller = new AbortController();
    controller.abort(new Error('user left'));
    await expect(
      model.doGenerate({ prompt: userPrompt('Once'), maxOutputTokens: 4, abortSignal: controller.signal }),
    ).rejects.toThrow('user left');
  });

  it('queues concurrent calls; each gets the answer it would get alone', async () => {
    const dog = { model, prompt: 'The dog', maxOutputTokens: 10 } as const;
    const sun = { model, prompt: 'Lily was sad', maxOutputTokens: 10 } as const;
    const alone = [(await generateText(dog)).text, (await generateText(sun)).text];
    expect(alone[0]).not.toBe(alone[1]);
    const together = await Promise.all([
      generateText(dog).then((result) => result.text),
      streamText(sun).text,
    ]);
    expect(together).toEqual(alone);
  });

  it('refuses a prompt longer than the context with the token counts, and keeps working', async () => {
    const prompt = userPrompt('the little dog ran to the park. '.repeat(80));
    const tokens = model.countPromptTokens(prompt);
    const error = await model.doGenerate({ prompt }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toBe(
      `The prompt has ${tokens} tokens, but the context of stories260K.gguf holds ${contextSize} tokens, prompt and answer together.`,
    );
    await expect(model.doStream({ prompt })).rejects.toBeInstanceOf(ValidationError);
    const after = await model.doGenerate({ prompt: userPrompt('Once'), maxOutputTokens: 3 });
    expect(after.usage.outputTokens.total).toBe(3);
  });

  it('caps the answer at the room left in the context', async () => {
    const prompt = userPrompt('the little dog ran to the park. '.repeat(40));
    const room = contextSize - model.countPromptTokens(prompt);
    expect(room).toBeGreaterThan(1);
    expect(room).toBeLessThan(100);
    const result = await model.doGenerate({ prompt, maxOutputTokens: 1000, temperature: 0 });
    expect(result.usage.outputTokens.total).toBeLessThanOrEqual(room);
  });

  it('warns about tools and files instead of failing', async () => {
    const result = await model.doGenerate({
      prompt: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Once' },
            { type: 'file', mediaType: 'image/png', data: new Uint8Array([1]) },
          ],
        },
      ],
      tools: [{ type: 'function', name: 'lookup', inputSchema: { type: 'object' } }],
      maxOutputTokens: 2,
    });
    expect(result.warnings.map((warning) => (warning.type === 'other' ? '' : warning.feature))).toEqual([
      'file parts',
      'tools',
    ]);
  });

  it('constrains JSON output with a grammar built from the schema', async () => {
    const result = await model.doGenerate({
      prompt: userPrompt('Describe the dog.'),
      responseFormat: { type: 'json', schema: { type: 'object', properties: { name: { type: 'string' } } } },
      maxOutputTokens: 40,
    });
    const text = result.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
    expect(text.trimStart().startsWith('{')).toBe(true);
    if (result.finishReason.unified === 'stop') expect(() => JSON.parse(text)).not.toThrow();
  });
});

describe('LlamaCppLanguageModel.load', () => {
  it('defaults the context to the training context (capped at 4096); close is idempotent and final', async () => {
    const own = await LlamaCppLanguageModel.load({ modelPath, threads });
    expect(own.contextTokens).toBe(2048);
    await Promise.all([own.close(), own.close()]);
    await own.close();
    await expect(own.doGenerate({ prompt: userPrompt('Once') })).rejects.toBeInstanceOf(ConflictError);
  });

  it('is a ValidationError for a file that is not a GGUF model', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'quarry-llama-'));
    try {
      const fake = path.join(folder, 'broken.gguf');
      await writeFile(fake, 'this is not a model');
      const error = await LlamaCppLanguageModel.load({ modelPath: fake }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).message).toMatch(
        /^llama\.cpp could not load the language model broken\.gguf: /,
      );
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('is a ValidationError for a context size that is not a sensible whole number', async () => {
    await expect(LlamaCppLanguageModel.load({ modelPath, contextSize: 0.5 })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});
