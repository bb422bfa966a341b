/**
 * Test support for the assistant routes (`/api/ask`, `/api/chat`, `/v1/chat/completions`): model replies
 * and server-sent event parsing. Not imported by production code.
 */
import type { LanguageModelV3StreamPart, LanguageModelV3StreamResult } from '@ai-sdk/provider';
import { simulateReadableStream } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import type { LanguageRuntime } from '../../core/ports/language-runtime.ts';
import { mockRuntime, modelReply, streamedReply } from '../../models/language-runtime.test-support.ts';

/** A model that streams `parts` for every answer and condenses follow-ups into `standalone`. */
export function replyingModel(parts: string[], standalone = 'How does retryWithBackoff retry?') {
  return new MockLanguageModelV3({
    doStream: async () => streamedReply(parts),
    doGenerate: async () => modelReply(standalone),
  });
}

/** A model that streams `before`, then fails with `message` (a connection lost half-way). */
export function failingModel(before: string, message = 'connection reset by peer') {
  const chunks: LanguageModelV3StreamPart[] = [
    { type: 'stream-start', warnings: [] },
    { type: 'text-start', id: 't1' },
    { type: 'text-delta', id: 't1', delta: before },
    { type: 'error', error: new Error(message) },
  ];
  return new MockLanguageModelV3({
    doStream: async (): Promise<LanguageModelV3StreamResult> => ({
      stream: simulateReadableStream({ chunks }),
    }),
  });
}

/** The runtime named `mock-coder` around `model`. */
export function runtimeOf(model: MockLanguageModelV3): LanguageRuntime {
  return mockRuntime(model);
}

/** The `data:` payloads of a server-sent event stream, JSON-parsed except the final `[DONE]`. */
export async function sseData(response: Response): Promise<unknown[]> {
  const text = await response.text();
  return text
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => line.slice('data: '.length))
    .map((data) => (data === '[DONE]' ? data : (JSON.parse(data) as unknown)));
}

/** A UI message stream chunk, loosely typed for assertions. */
export interface UiChunk {
  type: string;
  delta?: string;
  errorText?: string;
  data?: Record<string, unknown>;
}

/** The chunks of an AI SDK UI message stream response. */
export async function uiChunks(response: Response): Promise<UiChunk[]> {
  const data = await sseData(response);
  return data.filter((item): item is UiChunk => typeof item === 'object' && item !== null);
}

/** A JSON POST request init for the fixture, as `as`. */
export function postJson(
  body: unknown,
  as: 'admin' | 'member' = 'member',
): RequestInit & { as: 'admin' | 'member' } {
  return { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), as };
}

/** A user message as `useChat` sends it. */
export function userMessage(id: string, text: string) {
  return { id, role: 'user', parts: [{ type: 'text', text }] };
}

/** An assistant message as `useChat` holds it. */
export function assistantMessage(id: string, text: string) {
  return { id, role: 'assistant', parts: [{ type: 'text', text }] };
}
