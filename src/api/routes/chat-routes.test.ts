import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ApiFixture, createApiFixture } from '../../../test/support/api-fixture.ts';
import { loadHistory } from '../../assistant/conversations.ts';
import { promptOf } from '../../models/language-runtime.test-support.ts';
import {
  assistantMessage,
  failingModel,
  postJson,
  replyingModel,
  runtimeOf,
  type UiChunk,
  uiChunks,
  userMessage,
} from './assistant-routes.test-support.ts';

let fixture: ApiFixture;

beforeAll(async () => {
  fixture = await createApiFixture();
});

afterAll(async () => {
  await fixture.close();
});

beforeEach(() => {
  fixture.setRuntime(runtimeOf(replyingModel(['It waits twice as long ', 'after each failure [1].'])));
});

async function chat(body: Record<string, unknown>, as: 'admin' | 'member' = 'member') {
  return fixture.request('/api/chat', postJson({ id: 'chat-1', ...body }, as));
}

function dataOf(chunks: UiChunk[], type: string): Record<string, unknown> | undefined {
  return chunks.find((chunk) => chunk.type === type)?.data;
}

function textOf(chunks: UiChunk[]): string {
  return chunks.map((chunk) => (chunk.type === 'text-delta' ? chunk.delta : '')).join('');
}

describe('POST /api/chat', () => {
  it('streams sources, then the answer, then the outcome, and records the exchange in a new conversation', async () => {
    const response = await chat({ messages: [userMessage('m1', 'How does retryWithBackoff work?')] });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const chunks = await uiChunks(response);
    const types = chunks.map((chunk) => chunk.type);
    expect(types[0]).toBe('start');
    expect(types.indexOf('data-sources')).toBeLessThan(types.indexOf('text-start'));
    expect(types.indexOf('text-end')).toBeLessThan(types.indexOf('data-answer'));
    expect(types.at(-1)).toBe('finish');
    expect(types).not.toContain('data-xray');
    expect(textOf(chunks)).toBe('It waits twice as long after each failure [1].');
    const sources = dataOf(chunks, 'data-sources')?.sources as Array<Record<string, unknown>>;
    expect(sources[0]).toMatchObject({ n: 1, repo: 'acme/widgets', version: 'v1.0.0' });
    expect(sources[0]?.key).toBe(`current/acme/widgets/v1.0.0/${sources[0]?.path}`);
    expect(sources[0]).not.toHaveProperty('text');
    const answer = dataOf(chunks, 'data-answer');
    expect(answer).toMatchObject({
      model: 'mock-coder',
      cited: [1],
      removedCitations: 0,
      retrievalOnly: null,
    });
    const conversation = await fixture.dependencies.catalog.getConversation(String(answer?.conversationId));
    expect(conversation).toMatchObject({
      owner: 'member',
      title: 'How does retryWithBackoff work?',
      messageCount: 2,
    });
  });

  it('answers a follow-up with the stored history of the conversation', async () => {
    const first = await uiChunks(
      await chat({ messages: [userMessage('m1', 'What does retryWithBackoff do?')] }),
    );
    const conversationId = String(dataOf(first, 'data-answer')?.conversationId);
    const model = replyingModel(['It doubles the delay [1].'], 'How does retryWithBackoff delay retries?');
    fixture.setRuntime(runtimeOf(model));
    const messages = [
      userMessage('m1', 'What does retryWithBackoff do?'),
      assistantMessage('m2', 'It waits twice as long after each failure [1].'),
      userMessage('m3', 'and the delay?'),
    ];
    const second = await uiChunks(await chat({ messages, conversationId }));
    expect(dataOf(second, 'data-answer')?.conversationId).toBe(conversationId);
    expect(promptOf(model.doGenerateCalls[0]).at(-1)?.[1]).toContain('User: What does retryWithBackoff do?');
    const sent = promptOf(model.doStreamCalls[0]).map(([role, text]) => [role, text.slice(0, 40)]);
    expect(sent.slice(1, 3)).toEqual([
      ['user', 'What does retryWithBackoff do?'],
      ['assistant', 'It waits twice as long after each failur'],
    ]);
    const history = await loadHistory(fixture.dependencies.catalog, conversationId, 10);
    expect(history.map((turn) => turn.content)).toEqual([
      'What does retryWithBackoff do?',
      'It waits twice as long after each failure [1].',
      'and the delay?',
      'It doubles the delay [1].',
    ]);
  });

  it('uses the earlier messages of the body as history when there is no conversation id', async () => {
    const model = replyingModel(['Yes [1].'], 'Is the delay of retryWithBackoff doubled?');
    fixture.setRuntime(runtimeOf(model));
    const messages = [
      userMessage('m1', 'retryWithBackoff?'),
      assistantMessage('m2', 'It retries.'),
      userMessage('m3', 'doubled?'),
    ];
    const chunks = await uiChunks(await chat({ messages }));
    expect(promptOf(model.doStreamCalls[0]).map(([, text]) => text)).toContain('It retries.');
    const stored = await fixture.dependencies.catalog.listMessages(
      String(dataOf(chunks, 'data-answer')?.conversationId),
    );
    expect(stored.map((message) => message.content)).toEqual(['doubled?', 'Yes [1].']);
  });

  it('sends an error chunk when the model fails half-way and keeps the question', async () => {
    fixture.setRuntime(runtimeOf(failingModel('It waits ')));
    const before = new Set(
      (await fixture.dependencies.catalog.listConversations({ owner: 'member' })).map((c) => c.id),
    );
    const chunks = await uiChunks(await chat({ messages: [userMessage('m1', 'retryWithBackoff?')] }));
    const types = chunks.map((chunk) => chunk.type);
    expect(types).toContain('data-sources');
    expect(types).not.toContain('data-answer');
    const error = chunks.find((chunk) => chunk.type === 'error');
    expect(error?.errorText).toMatch(/^The model mock-coder failed: .*connection reset by peer/);
    const created = (await fixture.dependencies.catalog.listConversations({ owner: 'member' })).filter(
      (conversation) => !before.has(conversation.id),
    );
    expect(created).toHaveLength(1);
    const stored = await fixture.dependencies.catalog.listMessages(created[0]?.id ?? '');
    expect(stored.map((message) => [message.role, message.content])).toEqual([
      ['user', 'retryWithBackoff?'],
      ['assistant', ''],
    ]);
    expect(stored[1]?.metadata).toEqual({ error: error?.errorText });
  });

  it('never sends the text of an unexpected error to the client', async () => {
    const knowledge = fixture.dependencies.knowledge;
    const search = knowledge.search;
    knowledge.search = async () => {
      throw new Error('password=hunter2 at /srv/quarry/secret.ts:12');
    };
    try {
      const chunks = await uiChunks(await chat({ messages: [userMessage('m1', 'retryWithBackoff?')] }));
      const error = chunks.find((chunk) => chunk.type === 'error');
      expect(error?.errorText).toBe('Something went wrong while answering; it has been logged.');
      expect(JSON.stringify(chunks)).not.toContain('hunter2');
    } finally {
      knowledge.search = search;
    }
  });

  it("refuses another user's conversation", async () => {
    const first = await uiChunks(await chat({ messages: [userMessage('m1', 'retryWithBackoff?')] }));
    const conversationId = String(dataOf(first, 'data-answer')?.conversationId);
    const response = await chat({ messages: [userMessage('m1', 'retries?')], conversationId }, 'admin');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      error: { code: 'not_found', message: `There is no conversation ${conversationId}.` },
    });
    expect((await fixture.dependencies.catalog.getConversation(conversationId))?.messageCount).toBe(2);
  });

  it('sends the x-ray part only when asked for', async () => {
    const chunks = await uiChunks(
      await chat({ messages: [userMessage('m1', 'retryWithBackoff?')], xray: true }),
    );
    const types = chunks.map((chunk) => chunk.type);
    expect(types.indexOf('data-xray')).toBeLessThan(types.indexOf('data-answer'));
    const xray = dataOf(chunks, 'data-xray') as {
      standaloneQuestion: string;
      prompt: Array<{ role: string; content: string }>;
      passages: Array<Record<string, unknown>>;
    };
    expect(xray.standaloneQuestion).toBe('retryWithBackoff?');
    expect(xray.prompt[0]?.role).toBe('system');
    expect(xray.prompt.at(-1)?.content).toContain('retryWithBackoff?');
    expect(xray.passages[0]).toMatchObject({ n: 1, repo: 'acme/widgets', text: expect.any(String) });
    const plain = await uiChunks(
      await chat({ messages: [userMessage('m1', 'retryWithBackoff?')], xray: false }),
    );
    expect(plain.map((chunk) => chunk.type)).not.toContain('data-xray');
  });

  it('streams the best passages with the reason when no model is available', async () => {
    fixture.setRuntime(undefined);
    const chunks = await uiChunks(await chat({ messages: [userMessage('m1', 'retryWithBackoff')] }));
    const sources = (dataOf(chunks, 'data-sources')?.sources ?? []) as unknown[];
    expect(sources.length).toBeGreaterThan(0);
    expect(dataOf(chunks, 'data-answer')).toMatchObject({
      model: null,
      retrievalOnly: 'no model in this test',
    });
  });

  it('refuses a body without a user message, naming the field', async () => {
    const response = await chat({ messages: [assistantMessage('m1', 'hello')] });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('validation');
    expect(body.error.message).toMatch(/messages: there is no user message/);
    const malformed = await chat({ messages: 'hi' });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { message: string } }).error.message).toMatch(/messages: /);
  });
});
