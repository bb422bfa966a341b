import { describe, expect, it } from 'vitest';
import type { AnswerData, ChatMessage, Source } from './api-types.ts';
import {
  messageAnswer,
  messageSources,
  messageText,
  messageXray,
  splitCitedSources,
  storedCitations,
  storedMessageToChatMessage,
} from './chat-message-parts.ts';

function source(n: number): Source {
  return {
    n,
    citation: `honojs/hono@v4 src/file-${n}.ts:1-5`,
    repo: 'honojs/hono',
    version: 'v4',
    path: `src/file-${n}.ts`,
    startLine: 1,
    endLine: 5,
    url: null,
    heading: null,
    key: `current/honojs/hono/v4/src/file-${n}.ts`,
  };
}

const answer: AnswerData = {
  conversationId: 'c1',
  model: 'local',
  cited: [2],
  removedCitations: 0,
  unsupported: false,
  retrievalOnly: null,
};

const streamed: ChatMessage = {
  id: 'm1',
  role: 'assistant',
  parts: [
    { type: 'data-sources', data: { sources: [source(1), source(2)] } },
    { type: 'text', text: 'Hono uses ' },
    { type: 'text', text: 'a trie router [2].' },
    { type: 'data-answer', data: answer },
    { type: 'data-xray', data: { standaloneQuestion: 'Which router?', prompt: [], passages: [] } },
  ],
};

describe('streamed answer parts', () => {
  it('reads text, sources, answer and X-ray', () => {
    expect(messageText(streamed)).toBe('Hono uses a trie router [2].');
    expect(messageSources(streamed).map((item) => item.n)).toEqual([1, 2]);
    expect(messageAnswer(streamed)?.conversationId).toBe('c1');
    expect(messageXray(streamed)?.standaloneQuestion).toBe('Which router?');
  });

  it('splits cited from merely retrieved sources', () => {
    const { cited, uncited } = splitCitedSources(messageSources(streamed), answer);
    expect(cited.map((item) => item.n)).toEqual([2]);
    expect(uncited.map((item) => item.n)).toEqual([1]);
    expect(splitCitedSources([source(1)], undefined).cited).toHaveLength(1);
  });
});

describe('stored messages', () => {
  it('turns a stored assistant message with citations into a UI message', () => {
    const { key: _key, ...withoutKey } = source(1);
    const message = storedMessageToChatMessage({
      seq: 4,
      role: 'assistant',
      content: 'Answer [1]',
      metadata: { citations: [withoutKey, { bogus: true }] },
      createdAt: '2025-01-01T00:00:00Z',
    });
    expect(message.id).toBe('stored-4');
    expect(messageText(message)).toBe('Answer [1]');
    expect(messageSources(message)).toEqual([withoutKey]);
  });

  it('keeps the error of a stored failed answer', () => {
    const message = storedMessageToChatMessage({
      seq: 6,
      role: 'assistant',
      content: '',
      metadata: { error: 'The model is unreachable.' },
      createdAt: '2025-01-01T00:00:00Z',
    });
    expect(message.metadata).toEqual({ error: 'The model is unreachable.' });
  });

  it('ignores metadata without citations', () => {
    expect(storedCitations(null)).toEqual([]);
    expect(storedCitations({ citations: 'no' })).toEqual([]);
    const question = storedMessageToChatMessage({
      seq: 3,
      role: 'user',
      content: 'Which router?',
      metadata: null,
      createdAt: '2025-01-01T00:00:00Z',
    });
    expect(question.metadata).toBeUndefined();
    expect(question.role).toBe('user');
  });
});
