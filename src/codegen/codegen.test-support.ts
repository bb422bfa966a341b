/**
 * Test support for `src/codegen/`: a mock language runtime, model replies in the AI SDK's v3 shape,
 * knowledge hits, and object-store helpers. Not imported by production code.
 */
import type { LanguageModelV3CallOptions, LanguageModelV3GenerateResult } from '@ai-sdk/provider';
import type { MockLanguageModelV3 } from 'ai/test';
import { defaultPrompts } from '../core/default-prompts.ts';
import type { ObjectStore } from '../core/ports/object-store.ts';
import type { KnowledgeHit } from '../knowledge/search-knowledge.ts';
import type { LanguageRuntime } from '../models/language-runtime.ts';

/** A `doGenerate` result with `text` as the only content and fixed usage (40 in, 12 out). */
export function modelReply(
  text: string,
  finish: 'stop' | 'length' | 'content-filter' = 'stop',
): LanguageModelV3GenerateResult {
  return {
    content: [{ type: 'text', text }],
    finishReason: { unified: finish, raw: finish },
    usage: {
      inputTokens: { total: 40, noCache: 40, cacheRead: undefined, cacheWrite: undefined },
      outputTokens: { total: 12, text: 12, reasoning: undefined },
    },
    warnings: [],
  };
}

/** A runtime named `mock-coder` around `model`: 8192 context, 1024 output tokens, 4 characters a token. */
export function mockRuntime(
  model: MockLanguageModelV3,
  overrides: Partial<LanguageRuntime> = {},
): LanguageRuntime {
  return {
    name: 'mock-coder',
    provider: 'openai-compatible',
    modelId: 'mock',
    description: 'mock model',
    model,
    contextTokens: 8192,
    maxOutputTokens: 1024,
    temperature: 0.2,
    countTokens: (text) => Math.ceil(text.length / 4),
    prompts: { ...defaultPrompts, fewShot: [] },
    close: async () => {},
    ...overrides,
  };
}

/** Every message the model was sent as `[role, text]`, in order. */
export function promptOf(call: LanguageModelV3CallOptions | undefined): Array<[string, string]> {
  return (call?.prompt ?? []).map((message) => [
    message.role,
    typeof message.content === 'string'
      ? message.content
      : message.content.map((part) => ('text' in part ? part.text : '')).join(''),
  ]);
}

/** A hit from `acme/widgets@v2.0.0`, lines 10-20 of `path`. */
export function widgetHit(path: string, text: string, repo: string | null = 'acme/widgets'): KnowledgeHit {
  return {
    chunkId: 1,
    documentId: 1,
    score: 1,
    source: 'github:acme/widgets',
    repo,
    version: 'v2.0.0',
    path,
    language: 'python',
    url: null,
    title: null,
    startLine: 10,
    endLine: 20,
    headingPath: [],
    text,
    citation: `acme/widgets@v2.0.0:${path}:10-20`,
    snippet: { text, highlights: [] },
  };
}

/** The object under `key` as UTF-8 text. */
export async function readText(store: ObjectStore, key: string): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of await store.get(key)) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** Every key in the store, in order. */
export async function listKeys(store: ObjectStore): Promise<string[]> {
  const found: string[] = [];
  for await (const info of store.list('')) found.push(info.key);
  return found;
}

/** A store whose `.json` writes fail with "disk full" (and, optionally, whose deletes fail too). */
export function failingSidecarStore(
  inner: ObjectStore,
  options: { deleteFails?: boolean } = {},
): ObjectStore {
  return {
    location: inner.location,
    urlOf: (key) => inner.urlOf(key),
    put: (key, body, putOptions) =>
      key.endsWith('.json') ? Promise.reject(new Error('disk full')) : inner.put(key, body, putOptions),
    get: (key) => inner.get(key),
    head: (key) => inner.head(key),
    list: (prefix) => inner.list(prefix),
    copy: (fromKey, toKey) => inner.copy(fromKey, toKey),
    delete: (key) => (options.deleteFails ? Promise.reject(new Error('gone away')) : inner.delete(key)),
    deletePrefix: (prefix) => inner.deletePrefix(prefix),
    movePrefix: (fromPrefix, toPrefix) => inner.movePrefix(fromPrefix, toPrefix),
  };
}

/** Awaits a promise that must reject and returns what it rejected with. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & { hint?: string }> {
  const outcome = await promise.then(
    () => undefined,
    (reason: unknown) => ({ reason }),
  );
  if (!outcome) throw new Error('expected the promise to reject');
  return outcome.reason as Error & { hint?: string };
}
