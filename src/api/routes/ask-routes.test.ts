import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ApiFixture, createApiFixture } from '../../../test/support/api-fixture.ts';
import { promptOf } from '../../models/language-runtime.test-support.ts';
import { failingModel, postJson, replyingModel, runtimeOf } from './assistant-routes.test-support.ts';

let fixture: ApiFixture;

beforeAll(async () => {
  fixture = await createApiFixture();
});

afterAll(async () => {
  await fixture.close();
});

beforeEach(() => {
  fixture.setRuntime(runtimeOf(replyingModel(['It waits twice as long after each failure [1].'])));
});

interface AskBody {
  answer: string;
  citations: Array<Record<string, unknown>>;
  passages?: Array<Record<string, unknown>>;
  model: string | null;
  retrievalOnly: string | null;
  conversationId: string | null;
  usage: Record<string, number>;
  error?: { code: string; message: string };
}

async function ask(body: unknown, as: 'admin' | 'member' = 'member') {
  const response = await fixture.request('/api/ask', postJson(body, as));
  return { status: response.status, body: (await response.json()) as AskBody };
}

describe('POST /api/ask', () => {
  it('answers with checked citations that carry the source key, and stores nothing', async () => {
    const { status, body } = await ask({ question: 'How does retryWithBackoff work?' });
    expect(status).toBe(200);
    expect(body.answer).toBe('It waits twice as long after each failure [1].');
    expect(body.model).toBe('mock-coder');
    expect(body.retrievalOnly).toBeNull();
    expect(body.conversationId).toBeNull();
    expect(body.usage).toEqual({ inputTokens: 40, outputTokens: 12, totalTokens: 52 });
    const [citation] = body.citations;
    expect(citation).toMatchObject({ n: 1, repo: 'acme/widgets', version: 'v1.0.0' });
    expect(citation?.key).toBe(`current/acme/widgets/v1.0.0/${citation?.path}`);
    expect(citation?.citation).toMatch(/^acme\/widgets@v1\.0\.0:/);
    expect(await fixture.dependencies.catalog.listConversations({ owner: 'member' })).toEqual([]);
  });

  it('refuses a scope naming an unknown repository', async () => {
    const { status, body } = await ask({ question: 'retries?', scope: { repo: 'acme/nothing' } });
    expect(status).toBe(404);
    expect(body.error).toMatchObject({ code: 'not_found', message: 'There is no repository acme/nothing.' });
  });

  it('answers within a known repository scope', async () => {
    const { status, body } = await ask({
      question: 'retryWithBackoff?',
      scope: { repo: 'acme/widgets' },
      k: 2,
    });
    expect(status).toBe(200);
    expect(body.citations).toHaveLength(1);
  });

  it('names the field of an empty question', async () => {
    for (const question of ['', '   ']) {
      const { status, body } = await ask({ question });
      expect(status).toBe(400);
      expect(body.error?.code).toBe('validation');
      expect(body.error?.message).toMatch(/^Invalid request: question: /);
    }
  });

  it('continues a conversation of the caller and records the exchange', async () => {
    const model = replyingModel(['It doubles the delay [1].'], 'How does retryWithBackoff delay?');
    fixture.setRuntime(runtimeOf(model));
    const { catalog } = fixture.dependencies;
    const conversation = await catalog.createConversation({
      id: 'ask-conversation',
      title: 'retries',
      createdAt: new Date().toISOString(),
      owner: 'member',
    });
    await catalog.appendMessages(conversation.id, [
      {
        role: 'user',
        content: 'What does retryWithBackoff do?',
        metadata: {},
        createdAt: new Date().toISOString(),
      },
      { role: 'assistant', content: 'It retries [1].', metadata: {}, createdAt: new Date().toISOString() },
    ]);
    const { status, body } = await ask({ question: 'and the delay?', conversationId: conversation.id });
    expect(status).toBe(200);
    expect(body.conversationId).toBe(conversation.id);
    expect(promptOf(model.doStreamCalls[0]).map(([, text]) => text)).toContain('It retries [1].');
    const stored = await catalog.listMessages(conversation.id);
    expect(stored.map((message) => message.content)).toEqual([
      'What does retryWithBackoff do?',
      'It retries [1].',
      'and the delay?',
      'It doubles the delay [1].',
    ]);
    const other = await ask({ question: 'and the delay?', conversationId: conversation.id }, 'admin');
    expect(other.status).toBe(404);
    expect(other.body.error?.message).toBe('There is no conversation ask-conversation.');
    expect(await catalog.listMessages(conversation.id)).toHaveLength(4);
  });

  it('keeps the question of an answer that failed in the conversation', async () => {
    fixture.setRuntime(runtimeOf(failingModel('It waits ')));
    const { catalog } = fixture.dependencies;
    const conversation = await catalog.createConversation({
      id: 'ask-failing',
      title: 'retries',
      createdAt: new Date().toISOString(),
      owner: 'member',
    });
    const { status, body } = await ask({ question: 'retryWithBackoff?', conversationId: conversation.id });
    expect(status).toBe(502);
    expect(body.error?.message).toMatch(/^The model mock-coder failed: .*connection reset by peer/);
    const stored = await catalog.listMessages(conversation.id);
    expect(stored.map((message) => [message.role, message.content])).toEqual([
      ['user', 'retryWithBackoff?'],
      ['assistant', ''],
    ]);
    expect(stored[1]?.metadata.error).toBe(body.error?.message);
  });

  it('returns the best passages when no model is available', async () => {
    fixture.setRuntime(undefined);
    const { status, body } = await ask({ question: 'retryWithBackoff', k: 2 });
    expect(status).toBe(200);
    expect(body.retrievalOnly).toBe('no model in this test');
    expect(body.model).toBeNull();
    expect(body.answer).toBe('');
    expect(body.citations.length).toBeGreaterThan(0);
    expect(body.citations[0]?.key).toMatch(/^current\/acme\/widgets\/v1\.0\.0\//);
    expect(body.passages?.[0]?.text).toEqual(expect.any(String));
  });
});
