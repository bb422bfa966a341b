import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ApiFixture, createApiFixture } from '../../../test/support/api-fixture.ts';
import { ValidationError } from '../../core/errors/index.ts';
import { promptOf } from '../../models/language-runtime.test-support.ts';
import {
  failingModel,
  postJson,
  replyingModel,
  runtimeOf,
  sseData,
} from './assistant-routes.test-support.ts';

let fixture: ApiFixture;

beforeAll(async () => {
  // An entry on a port nothing listens on: listed as configured, never called (the runtime is a mock).
  const config =
    'models:\n  entries:\n    team:\n      provider: openai-compatible\n      model: qwen\n      baseURL: http://127.0.0.1:9/v1\n';
  fixture = await createApiFixture({ config });
});

afterAll(async () => {
  await fixture.close();
});

beforeEach(() => {
  fixture.setRuntime(runtimeOf(replyingModel(['It waits twice as long ', 'after each failure [1].'])));
});

interface Completion {
  object: string;
  model: string;
  choices: Array<{ message: { role: string; content: string }; finish_reason: string }>;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
}

interface Chunk {
  object: string;
  choices: Array<{ delta: { role?: string; content?: string }; finish_reason: string | null }>;
}

interface OpenAiError {
  error: { message: string; type: string; code: string };
}

function complete(body: Record<string, unknown>) {
  return fixture.request('/v1/chat/completions', postJson({ model: 'quarry', ...body }));
}

const question = [{ role: 'user', content: 'How does retryWithBackoff work?' }];

describe('OpenAI-compatible API', () => {
  it('lists the assistant and the assistant with each configured model', async () => {
    const response = await fixture.request('/v1/models', { as: 'member' });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { object: string; data: Array<Record<string, unknown>> };
    expect(body.object).toBe('list');
    expect(body.data.map((model) => model.id)).toEqual(['quarry', 'quarry/team', 'quarry/local']);
    expect(body.data[0]).toMatchObject({ object: 'model', owned_by: 'quarry', created: expect.any(Number) });
  });

  it('answers a chat completion with the cited sources appended', async () => {
    const response = await complete({ messages: question, temperature: 0.5, unknown_field: true });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Completion;
    expect(body).toMatchObject({ object: 'chat.completion', model: 'quarry' });
    const [choice] = body.choices;
    expect(choice?.finish_reason).toBe('stop');
    expect(choice?.message.role).toBe('assistant');
    expect(choice?.message.content).toMatch(
      /^It waits twice as long after each failure \[1\]\.\n\nSources:\n\[1\] acme\/widgets@v1\.0\.0:\S+:\d+-\d+$/,
    );
    expect(body.usage).toEqual({ prompt_tokens: 40, completion_tokens: 12, total_tokens: 52 });
  });

  it('streams a chat completion as chunks ending with [DONE]', async () => {
    const response = await complete({ messages: question, stream: true });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const events = await sseData(response);
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1) as Chunk[];
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks[0]?.choices[0]?.delta.role).toBe('assistant');
    const content = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(content).toMatch(
      /^It waits twice as long after each failure \[1\]\.\n\nSources:\n\[1\] acme\/widgets@v1\.0\.0:/,
    );
    expect(chunks.at(-1)?.choices[0]).toEqual({ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' });
  });

  it('sends the earlier turns as history, ignoring system messages and the appended sources', async () => {
    const model = replyingModel(['It doubles it [1].'], 'How does retryWithBackoff change the delay?');
    fixture.setRuntime(runtimeOf(model));
    const messages = [
      { role: 'system', content: 'You are a pirate.' },
      { role: 'user', content: [{ type: 'text', text: 'What does retryWithBackoff do?' }] },
      {
        role: 'assistant',
        content: 'It retries [1].\n\nSources:\n[1] acme/widgets@v1.0.0:src/retry.ts:1-13',
      },
      { role: 'user', content: 'and the delay?' },
    ];
    const response = await complete({ messages });
    expect(response.status).toBe(200);
    const sent = promptOf(model.doStreamCalls[0]).map(([, text]) => text);
    // The earlier answer arrives exactly as the model wrote it, without the appended "Sources:" list.
    expect(sent).toContain('It retries [1].');
    expect(sent.join('\n')).not.toContain('pirate');
  });

  it('refuses a request without a user message in OpenAI error shape', async () => {
    const response = await complete({ messages: [{ role: 'system', content: 'Be brief.' }] });
    expect(response.status).toBe(400);
    const body = (await response.json()) as OpenAiError;
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'validation' });
    expect(body.error.message).toMatch(/no user message/);
    const malformed = await fixture.request('/v1/chat/completions', postJson({ model: 'quarry' }));
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as OpenAiError).error.message).toMatch(/messages: /);
  });

  it('answers 404 model_not_found for a model it does not serve', async () => {
    const response = await complete({ model: 'gpt-4o', messages: question });
    expect(response.status).toBe(404);
    expect(((await response.json()) as OpenAiError).error).toMatchObject({
      type: 'invalid_request_error',
      code: 'model_not_found',
    });
    const models = fixture.dependencies.models;
    const open = models.open;
    models.open = async (reference) => {
      if (reference === 'nope') throw new ValidationError('There is no model called "nope".');
      return open(reference);
    };
    try {
      const unknown = await complete({ model: 'quarry/nope', messages: question });
      expect(unknown.status).toBe(404);
      expect(((await unknown.json()) as OpenAiError).error.message).toContain(
        'There is no model called "nope"',
      );
    } finally {
      models.open = open;
    }
  });

  it('ends the stream with an error event when the model fails half-way', async () => {
    fixture.setRuntime(runtimeOf(failingModel('It waits ')));
    const events = await sseData(await complete({ messages: question, stream: true }));
    expect(events).not.toContain('[DONE]');
    const last = events.at(-1) as OpenAiError;
    expect(last.error.type).toBe('server_error');
    expect(last.error.message).toMatch(/^The model mock-coder failed: .*connection reset by peer/);
  });

  it('lists the best passages when no model is available', async () => {
    fixture.setRuntime(undefined);
    const body = (await (await complete({ messages: question })).json()) as Completion;
    const content = body.choices[0]?.message.content ?? '';
    expect(content).toMatch(
      /^No language model is available \(no model in this test\); these are the best passages/,
    );
    expect(content).toContain('[1] acme/widgets@v1.0.0:');
  });
});
