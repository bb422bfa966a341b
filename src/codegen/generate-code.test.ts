import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { APICallError } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLocalObjectStore } from '../adapters/fs/local-object-store.ts';
import { defaultPrompts } from '../core/default-prompts.ts';
import { NotFoundError, UpstreamError, ValidationError } from '../core/errors/index.ts';
import type { ObjectStore } from '../core/ports/object-store.ts';
import {
  failingSidecarStore,
  listKeys,
  mockRuntime,
  modelReply,
  promptOf,
  readText,
  rejectionOf,
  widgetHit,
} from './codegen.test-support.ts';
import { type CodeGenerationDependencies, generateCode } from './generate-code.ts';

const now = new Date('2025-03-04T05:06:07.890Z');
const codeKey = 'code_output/2025-03-04/050607-add-two-numbers.py';
const goodReply = 'Sure.\n\n```python\ndef add(a, b):\n    return a + b\n```\n\nIt adds them.';

describe('generateCode', () => {
  let root: string;
  let store: ObjectStore;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'quarry-codegen-'));
    store = createLocalObjectStore({ root });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  function dependencies(model: MockLanguageModelV3, overrides: Partial<CodeGenerationDependencies> = {}) {
    return { runtime: mockRuntime(model), store, clock: () => now, ...overrides };
  }

  it('stores the code and its sidecar and returns both keys', async () => {
    const model = new MockLanguageModelV3({ doGenerate: modelReply(goodReply) });
    const result = await generateCode(dependencies(model), { language: 'py', message: ' Add two numbers ' });
    const code = 'def add(a, b):\n    return a + b\n';
    expect(result).toEqual({
      key: codeKey,
      sidecarKey: `${codeKey}.json`,
      code,
      language: 'python',
      model: 'mock-coder',
      sources: [],
      usage: { inputTokens: 40, outputTokens: 12, totalTokens: 52 },
      createdAt: '2025-03-04T05:06:07.890Z',
      explanation: 'Sure.\n\nIt adds them.',
    });
    expect(await listKeys(store)).toEqual([codeKey, `${codeKey}.json`]);
    expect(await readText(store, codeKey)).toBe(code);
    expect(JSON.parse(await readText(store, `${codeKey}.json`))).toEqual({
      key: codeKey,
      language: 'python',
      message: 'Add two numbers',
      model: 'mock-coder',
      sources: [],
      createdAt: '2025-03-04T05:06:07.890Z',
      usage: { inputTokens: 40, outputTokens: 12, totalTokens: 52 },
      explanation: 'Sure.\n\nIt adds them.',
    });
  });

  it('sends the system prompt, few-shot pairs, the rendered code prompt and the model settings', async () => {
    const model = new MockLanguageModelV3({ doGenerate: modelReply(goodReply) });
    const runtime = mockRuntime(model, {
      prompts: { ...defaultPrompts, fewShot: [{ user: 'hello in go', assistant: '```go\nhi()\n```' }] },
    });
    await generateCode(
      { runtime, store, clock: () => now },
      { language: 'python', message: 'add two numbers' },
    );
    const call = model.doGenerateCalls[0];
    const prompt = promptOf(call);
    expect(prompt.map(([role]) => role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(prompt[0]?.[1]).toBe(defaultPrompts.system);
    expect(prompt[1]?.[1]).toBe('hello in go');
    expect(prompt[3]?.[1]).toContain('Write python code for the instructions below.');
    expect(prompt[3]?.[1]).toContain('Instructions: add two numbers');
    expect(call).toMatchObject({ maxOutputTokens: 1024, temperature: 0.2 });
  });

  it('stores nothing and names the model when the reply has no code block', async () => {
    const model = new MockLanguageModelV3({ doGenerate: modelReply('I am sorry, I cannot write that.') });
    const error = await rejectionOf(generateCode(dependencies(model), { language: 'python', message: 'x' }));
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toMatch(/^The model mock-coder returned no code block; it replied: "I am sorry/);
    expect(error.hint).toMatch(/fenced code block/);
    expect(await listKeys(store)).toEqual([]);
  });

  it('stores nothing when the model fails, with an UpstreamError naming the model', async () => {
    const model = new MockLanguageModelV3({
      doGenerate: async () => {
        throw new Error('connect ECONNREFUSED 127.0.0.1:11434');
      },
    });
    const error = await rejectionOf(generateCode(dependencies(model), { language: 'python', message: 'x' }));
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toBe('The model mock-coder failed: connect ECONNREFUSED 127.0.0.1:11434.');
    expect(await listKeys(store)).toEqual([]);
  });

  it('points at the credentials when the endpoint answers 401', async () => {
    const model = new MockLanguageModelV3({
      doGenerate: async () => {
        throw new APICallError({
          message: 'Unauthorized',
          url: 'http://x',
          requestBodyValues: {},
          statusCode: 401,
        });
      },
    });
    const error = await rejectionOf(generateCode(dependencies(model), { language: 'python', message: 'x' }));
    expect(error.message).toBe('The model mock-coder failed: it answered 401 (Unauthorized).');
    expect(error.hint).toMatch(/credentials/);
  });

  it.each(['length', 'stop'] as const)(
    'says the answer was cut off at an unclosed fence (finish %s)',
    async (finish) => {
      const model = new MockLanguageModelV3({
        doGenerate: modelReply('```python\ndef add(a, b):\n    return', finish),
      });
      const error = await rejectionOf(
        generateCode(dependencies(model), { language: 'python', message: 'x' }),
      );
      expect(error).toBeInstanceOf(UpstreamError);
      expect(error.message).toMatch(/cut off/);
      expect(await listKeys(store)).toEqual([]);
    },
  );

  it('mentions the output-token limit when the model stopped for length', async () => {
    const model = new MockLanguageModelV3({
      doGenerate: modelReply('Let me think about this at length', 'length'),
    });
    const error = await rejectionOf(generateCode(dependencies(model), { language: 'python', message: 'x' }));
    expect(error.message).toMatch(/cut off at its limit of 1024 output tokens/);
    expect(error.hint).toMatch(/maxOutputTokens/);
  });

  it('grounds the prompt in numbered examples and records them as sources', async () => {
    const model = new MockLanguageModelV3({ doGenerate: modelReply(goodReply) });
    const findExamples = vi.fn(async () => [widgetHit('src/add.py', 'def plus(x, y):\n    return x + y')]);
    const result = await generateCode(dependencies(model, { findExamples }), {
      language: 'python',
      message: 'add two numbers',
      ground: 'acme/widgets.git',
    });
    expect(findExamples).toHaveBeenCalledWith('acme/widgets', 'add two numbers');
    const userPrompt = promptOf(model.doGenerateCalls[0]).at(-1)?.[1];
    expect(userPrompt).toContain('Examples from acme/widgets');
    expect(userPrompt).toContain(
      '[1] acme/widgets@v2.0.0:src/add.py:10-20\ndef plus(x, y):\n    return x + y',
    );
    const source = {
      n: 1,
      repo: 'acme/widgets',
      version: 'v2.0.0',
      path: 'src/add.py',
      startLine: 10,
      endLine: 20,
      citation: 'acme/widgets@v2.0.0:src/add.py:10-20',
    };
    expect(result.sources).toEqual([source]);
    const sidecar = JSON.parse(await readText(store, result.sidecarKey));
    expect(sidecar).toMatchObject({ ground: 'acme/widgets', sources: [source] });
  });

  it('refuses to ground in a repository without indexed code, before calling the model', async () => {
    const model = new MockLanguageModelV3({ doGenerate: modelReply(goodReply) });
    const request = { language: 'python', message: 'x', ground: 'acme/empty' };
    const error = await rejectionOf(
      generateCode(dependencies(model, { findExamples: async () => [] }), request),
    );
    expect(error).toBeInstanceOf(NotFoundError);
    expect(model.doGenerateCalls).toHaveLength(0);
    expect(await listKeys(store)).toEqual([]);
  });

  it.each([
    [{ language: 'python', message: 'x', ground: 'not a repo' }, /Invalid repository/],
    [{ language: 'python', message: 'x', ground: 'acme/widgets' }, /no knowledge base/],
    [{ language: 'python', message: '  \n ' }, /message is empty/],
    [{ language: 'cobol', message: 'x' }, /"cobol" is not supported\. Supported languages: .*python/],
  ])('validates %j before calling the model', async (request, message) => {
    const model = new MockLanguageModelV3({ doGenerate: modelReply(goodReply) });
    const error = await rejectionOf(generateCode(dependencies(model), request));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toMatch(message);
    expect(model.doGenerateCalls).toHaveLength(0);
  });

  it.each([
    ['Write {{language}} code.', undefined, '{{instructions}}'],
    ['Write {{language}} code: {{instructions}}', 'acme/widgets', '{{examples}}'],
  ])('refuses a code template %j that would drop a placeholder', async (code, ground, placeholder) => {
    const model = new MockLanguageModelV3({ doGenerate: modelReply(goodReply) });
    const runtime = mockRuntime(model, { prompts: { ...defaultPrompts, code, fewShot: [] } });
    const request = { language: 'python', message: 'x', ...(ground === undefined ? {} : { ground }) };
    const findExamples = async () => [widgetHit('a.py', 'pass')];
    const error = await rejectionOf(
      generateCode({ runtime, store, clock: () => now, findExamples }, request),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain(`has no ${placeholder} placeholder`);
    expect(model.doGenerateCalls).toHaveLength(0);
  });

  it('refuses a message larger than the context budget, with the numbers', async () => {
    const model = new MockLanguageModelV3({ doGenerate: modelReply(goodReply) });
    const runtime = mockRuntime(model, { contextTokens: 1200 });
    const request = { language: 'python', message: 'word '.repeat(400) };
    const error = await rejectionOf(generateCode({ runtime, store, clock: () => now }, request));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toMatch(
      /^The message is 500 tokens, but the model mock-coder has room for \d+ \(context 1200/,
    );
    expect(model.doGenerateCalls).toHaveLength(0);
  });

  it('picks the next free key when the same request lands in the same second', async () => {
    const model = new MockLanguageModelV3({ doGenerate: modelReply(goodReply) });
    const request = { language: 'python', message: 'add two numbers' };
    await generateCode(dependencies(model), request);
    const second = await generateCode(dependencies(model), request);
    expect(second.key).toBe('code_output/2025-03-04/050607-add-two-numbers-2.py');
    expect(await listKeys(store)).toHaveLength(4);
  });

  it('removes the code when its sidecar cannot be stored', async () => {
    const model = new MockLanguageModelV3({ doGenerate: modelReply(goodReply) });
    const failing = failingSidecarStore(store);
    const request = { language: 'python', message: 'add two numbers' };
    await expect(generateCode({ ...dependencies(model), store: failing }, request)).rejects.toThrow(
      'disk full',
    );
    expect(await listKeys(store)).toEqual([]);
  });

  it('stores nothing when the request is abandoned while the model answers', async () => {
    const controller = new AbortController();
    const model = new MockLanguageModelV3({
      doGenerate: async () => {
        controller.abort(new Error('Stopped by SIGINT.'));
        return modelReply(goodReply);
      },
    });
    const request = { language: 'python', message: 'x', abortSignal: controller.signal };
    await expect(generateCode(dependencies(model), request)).rejects.toThrow('Stopped by SIGINT.');
    expect(await listKeys(store)).toEqual([]);
  });
});
