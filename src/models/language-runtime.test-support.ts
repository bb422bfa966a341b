/**
 * Test support for code that calls language models: a mock runtime, model replies in the AI SDK's v3
 * shape, knowledge hits, and rejection helpers. Not imported by production code.
 */
import type {
  LanguageModelV3CallOptions,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
  LanguageModelV3StreamResult,
} from '@ai-sdk/provider';
import { simulateReadableStream } from 'ai';
import type { MockLanguageModelV3 } from 'ai/test';
import { defaultPrompts } from '../core/default-prompts.ts';
import type { LanguageRuntime } from '../core/ports/language-runtime.ts';
import type { KnowledgeHit } from '../knowledge/search-knowledge.ts';

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

/** Awaits a promise that must reject and returns what it rejected with. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & { hint?: string }> {
  const outcome = await promise.then(
    () => undefined,
    (reason: unknown) => ({ reason }),
  );
  if (!outcome) throw new Error('expected the promise to reject');
  return outcome.reason as Error & { hint?: string };
}

/** A `doStream` result that streams `parts` as text deltas, then finishes with fixed usage (40 in, 12 out). */
export function streamedReply(
  parts: string[],
  finish: 'stop' | 'length' = 'stop',
): LanguageModelV3StreamResult {
  const chunks: LanguageModelV3StreamPart[] = [
    { type: 'stream-start', warnings: [] },
    { type: 'text-start', id: 't1' },
    ...parts.map((delta): LanguageModelV3StreamPart => ({ type: 'text-delta', id: 't1', delta })),
    { type: 'text-end', id: 't1' },
    {
      type: 'finish',
      finishReason: { unified: finish, raw: finish },
      usage: {
        inputTokens: { total: 40, noCache: 40, cacheRead: undefined, cacheWrite: undefined },
        outputTokens: { total: 12, text: 12, reasoning: undefined },
      },
    },
  ];
  return { stream: simulateReadableStream({ chunks }) };
}
