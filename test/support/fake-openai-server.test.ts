import { createOpenAI } from '@ai-sdk/openai';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { APICallError, generateText, streamText } from 'ai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  composeFakeCompletion,
  type FakeChatRequest,
  fakeChatReply,
  notInSourcesReply,
} from './fake-chat-reply.ts';
import {
  defaultFakeModels,
  type FakeOpenAiServer,
  fakeEmbedding,
  startFakeOpenAiServer,
} from './fake-openai-server.ts';

let server: FakeOpenAiServer;

beforeEach(async () => {
  server = await startFakeOpenAiServer({ requireApiKey: 'sk-test-key-123456' });
});

afterEach(async () => {
  await server.close();
});

const authorized = { authorization: 'Bearer sk-test-key-123456', 'content-type': 'application/json' };

/** Both answer shapes in one, so tests can look into either without casts. */
interface OpenAiAnswer {
  object: string;
  model: string;
  data: Array<{ object: string; index: number; embedding: number[] | string }>;
  usage: { prompt_tokens: number; total_tokens: number };
  error: { message: string; type: string; param: string | null; code: string | null };
}

async function post(path: string, body: unknown, headers: Record<string, string> = authorized) {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    json: (await response.json()) as OpenAiAnswer,
  };
}

function dot(left: number[], right: number[]): number {
  return left.reduce((sum, value, index) => sum + value * (right[index] ?? 0), 0);
}

describe('fakeEmbedding', () => {
  it('is deterministic, L2-normalised and of the asked size', () => {
    const vector = fakeEmbedding('Sync the repository releases', 32);
    expect(vector).toHaveLength(32);
    expect(fakeEmbedding('Sync the repository releases', 32)).toEqual(vector);
    expect(Math.hypot(...vector)).toBeCloseTo(1, 10);
  });

  it('puts texts that share words closer than texts that do not', () => {
    const query = fakeEmbedding('how are embeddings stored', 64);
    const related = fakeEmbedding('the embedding is stored in sqlite', 64);
    const unrelated = fakeEmbedding('chocolate cake recipe with butter', 64);
    expect(dot(query, related)).toBeGreaterThan(dot(query, unrelated));
    expect(dot(query, query)).toBeCloseTo(1, 10);
  });

  it('treats simple inflections and case as the same word', () => {
    expect(fakeEmbedding('Embeddings', 64)).toEqual(fakeEmbedding('embedding', 64));
    expect(fakeEmbedding('processes', 64)).toEqual(fakeEmbedding('process', 64));
  });
});

describe('fake OpenAI server', () => {
  it('embeds a string and a list of strings in the OpenAI wire format', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const single = await post('/embeddings', { model: 'nomic-embed-text', input: 'hello world' });
    expect(single.status).toBe(200);
    expect(single.json).toEqual({
      object: 'list',
      data: [{ object: 'embedding', index: 0, embedding: fakeEmbedding('hello world', 64) }],
      model: 'nomic-embed-text',
      usage: { prompt_tokens: 2, total_tokens: 2 },
    });
    const many = await post('/embeddings', {
      model: 'text-embedding-3-small',
      input: ['a b c', 'd'],
      dimensions: 16,
      encoding_format: 'float',
    });
    expect(many.json.data.map((item) => item.index)).toEqual([0, 1]);
    expect(many.json.data[1]?.embedding).toEqual(fakeEmbedding('d', 16));
    expect(server.requests.map((request) => request.path)).toEqual(['/v1/embeddings', '/v1/embeddings']);
    expect(server.requests[1]?.body).toMatchObject({ dimensions: 16 });
  });

  it('answers base64 as little-endian float32 bytes', async () => {
    const answer = await post('/embeddings', {
      model: 'nomic-embed-text',
      input: 'base64 please',
      encoding_format: 'base64',
    });
    const bytes = Buffer.from(String(answer.json.data[0]?.embedding), 'base64');
    const floats = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    expect([...floats]).toEqual([...new Float32Array(fakeEmbedding('base64 please', 64))]);
  });

  it('lists its models', async () => {
    const response = await fetch(`${server.url}/models`, { headers: authorized });
    const body = (await response.json()) as { object: string; data: Array<{ id: string; object: string }> };
    expect(body.object).toBe('list');
    expect(body.data.map((model) => model.id)).toContain('nomic-embed-text');
    expect(body.data[0]?.object).toBe('model');
  });

  it('answers 401 in OpenAI error shape for a missing or wrong key, without echoing the key', async () => {
    const missing = await post('/embeddings', { model: 'nomic-embed-text', input: 'x' }, {});
    expect(missing.status).toBe(401);
    expect(missing.json.error).toMatchObject({ type: 'invalid_request_error', param: null, code: null });
    const wrong = await post(
      '/embeddings',
      { model: 'nomic-embed-text', input: 'x' },
      { authorization: 'Bearer sk-wrong-key-abcdef' },
    );
    expect(wrong.status).toBe(401);
    expect(wrong.json.error.code).toBe('invalid_api_key');
    expect(wrong.json.error.message).toContain('sk-***cdef');
    expect(wrong.json.error.message).not.toContain('sk-wrong-key-abcdef');
  });

  it('validates like OpenAI: unknown model, bad input, dimensions on a fixed-size model, bad JSON, bad URL', async () => {
    const unknown = await post('/embeddings', { model: 'nope', input: 'x' });
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe('model_not_found');
    for (const input of ['', [], [''], [1, 2, 3], undefined]) {
      expect((await post('/embeddings', { model: 'nomic-embed-text', input })).status).toBe(400);
    }
    const fixed = await post('/embeddings', { model: 'text-embedding-ada-002', input: 'x', dimensions: 8 });
    expect(fixed.status).toBe(400);
    expect(fixed.json.error.message).toBe('This model does not support specifying dimensions.');
    const badJson = await fetch(`${server.url}/embeddings`, {
      method: 'POST',
      headers: authorized,
      body: '{',
    });
    expect(badJson.status).toBe(400);
    expect(server.requests.at(-1)?.body).toBe('{');
    const badUrl = await post('/nothing', {});
    expect(badUrl.status).toBe(404);
    expect(badUrl.json.error.message).toBe('Invalid URL (POST /v1/nothing)');
  });

  it('fails the next requests on demand, with Retry-After, and records them', async () => {
    server.failNext(500, 2, 0);
    const first = await post('/embeddings', { model: 'nomic-embed-text', input: 'x' });
    expect(first.status).toBe(500);
    expect(first.headers.get('retry-after')).toBe('0');
    expect(first.json.error.type).toBe('server_error');
    expect((await post('/embeddings', { model: 'nomic-embed-text', input: 'x' })).status).toBe(500);
    expect((await post('/embeddings', { model: 'nomic-embed-text', input: 'x' })).status).toBe(200);
    server.failNext(429);
    const limited = await post('/embeddings', { model: 'nomic-embed-text', input: 'x' });
    expect(limited.status).toBe(429);
    expect(limited.json.error.code).toBe('rate_limit_exceeded');
    expect(limited.headers.get('retry-after')).toBeNull();
    expect(server.requests).toHaveLength(4);
  });
});

describe('fakeChatReply', () => {
  const ask = (system: string, question: string) =>
    fakeChatReply({ model: 'm', system, messages: [{ role: 'user', content: question }] });
  const sources = [
    'Answer from the numbered sources and cite them.',
    '[1] acme/sync@v1:src/sync.ts:1-20',
    'export function syncReleases() {',
    '  // fetch the releases and store embeddings in sqlite',
    '}',
    '[2] acme/sync@v1:docs/embedding.md:1-5',
    'Embeddings are stored in the sqlite-vec table. They are refreshed nightly.',
    '[3] acme/sync@v1:docs/cake.md:1-1',
    'Chocolate cake needs butter.',
  ].join('\n');

  it('restates the last user message, or refuses when the system prompt is about sources', () => {
    expect(ask('', 'hello there')).toBe('You said: hello there');
    expect(ask('Answer only from the sources.', 'What is the capital of France?')).toBe(notInSourcesReply);
  });

  it('quotes and cites the passages sharing the most words with the question', () => {
    expect(ask(sources, 'How are embeddings stored?')).toBe(
      'The sources say: "Embeddings are stored in the sqlite-vec table" [2]. Also: "// fetch the releases and store embeddings in sqlite" [1].',
    );
    expect(ask(sources, 'What does the cake need?')).toBe(
      'The sources say: "Chocolate cake needs butter" [3].',
    );
    expect(ask(sources, 'Who won the election?')).toBe(notInSourcesReply);
  });

  it('does not read a question that follows the last passage as part of it', () => {
    const prompt = '[1] acme/x@v1:a.py:1-3\nThe parser reads tags.\n\nQuestion: what does the weather do?';
    expect(ask('', prompt)).toBe(notInSourcesReply);
    expect(ask('', prompt.replace('the weather do', 'the parser read'))).toBe(
      'The sources say: "The parser reads tags" [1].',
    );
  });

  it('answers a request for code with a fenced stub named after the instruction', () => {
    expect(ask('', 'Write a Python function that parses release tags, in a fenced code block.')).toBe(
      [
        '```python',
        'def parses_release_tags(value: str) -> str:',
        '    """parses release tags."""',
        '    return value',
        '```',
        'The stub `parses_release_tags` covers: parses release tags.',
      ].join('\n'),
    );
    const cited = ask(
      'Use the sources; reply with one fenced code block.\n[1] acme/x@v2:src/retry.ts:1-9\nexport function retryFailedDownloads() {}',
      'Write a TypeScript helper that retries failed downloads',
    );
    expect(cited).toMatch(
      /^```typescript\n[\s\S]*export function retriesFailedDownloads\(input: string\): string \{/,
    );
    expect(cited).toMatch(
      /\n```\nThe stub `retriesFailedDownloads` covers: retries failed downloads \[1\]\.$/,
    );
  });

  it('cuts a reply at the token budget and splits it into deltas that join back', () => {
    const request = {
      model: 'm',
      system: '',
      messages: [{ role: 'user', content: 'one two three four five' }],
    };
    const cut = composeFakeCompletion(request, undefined, 4);
    expect(cut).toMatchObject({
      text: 'You said: one two',
      finish: 'length',
      completionTokens: 4,
      promptTokens: 5,
    });
    const whole = composeFakeCompletion(request, () => 'a b c d e f g\n```ts\nx\n```', undefined);
    expect(whole.finish).toBe('stop');
    expect(whole.deltas.length).toBeGreaterThan(2);
    expect(whole.deltas.join('')).toBe(whole.text);
  });
});

/** A chat request body in OpenAI's format, with the default test question. */
function chatBody(extra: Record<string, unknown> = {}) {
  return {
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: [{ type: 'text', text: 'hello fake' }] },
    ],
    ...extra,
  };
}

/** The `data:` payloads of a server-sent-events body. */
function sseData(text: string): string[] {
  return text
    .split('\n\n')
    .filter((block) => block !== '')
    .map((block) => block.replace(/^data: /, ''));
}

describe('fake OpenAI chat completions on the wire', () => {
  it('answers a chat completion in the OpenAI format', async () => {
    const response = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: authorized,
      body: JSON.stringify(chatBody()),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      id: expect.stringMatching(/^chatcmpl-/),
      object: 'chat.completion',
      created: expect.any(Number),
      model: 'gpt-4o-mini',
      choices: [
        { index: 0, message: { role: 'assistant', content: 'You said: hello fake' }, finish_reason: 'stop' },
      ],
      usage: { prompt_tokens: 4, completion_tokens: 4, total_tokens: 8 },
    });
  });

  it('streams role, content deltas, finish reason, usage and [DONE]', async () => {
    server.setReply(() => 'one two three four five six seven');
    const response = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: authorized,
      body: JSON.stringify(
        chatBody({ stream: true, stream_options: { include_usage: true }, max_tokens: 5 }),
      ),
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const data = sseData(await response.text());
    expect(data.at(-1)).toBe('[DONE]');
    const chunks = data.slice(0, -1).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
    expect(chunks.map((chunk) => chunk.choices)).toEqual([
      [
        {
          index: 0,
          delta: { role: 'assistant', content: '', refusal: null },
          logprobs: null,
          finish_reason: null,
        },
      ],
      [{ index: 0, delta: { content: 'one two three' }, logprobs: null, finish_reason: null }],
      [{ index: 0, delta: { content: ' four five' }, logprobs: null, finish_reason: null }],
      [{ index: 0, delta: {}, logprobs: null, finish_reason: 'length' }],
      [],
    ]);
    expect(chunks.at(-1)?.usage).toEqual({ prompt_tokens: 4, completion_tokens: 5, total_tokens: 9 });
    expect(chunks[0]?.usage).toBeNull();
  });

  it('rejects unknown models, empty conversations and bad budgets like OpenAI', async () => {
    const unknown = await post('/chat/completions', chatBody({ model: 'gpt-9' }));
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toMatchObject({ code: 'model_not_found', type: 'invalid_request_error' });
    expect(unknown.json.error.message).toBe(
      'The model `gpt-9` does not exist or you do not have access to it.',
    );
    const empty = await post('/chat/completions', chatBody({ messages: [] }));
    expect(empty.status).toBe(400);
    expect(empty.json.error.param).toBe('messages');
    const budget = await post('/chat/completions', chatBody({ max_completion_tokens: 0 }));
    expect(budget.json.error).toMatchObject({
      param: 'max_completion_tokens',
      code: 'integer_below_min_value',
    });
  });

  it("serves Ollama's model list at the root, tagless ids as :latest, and accepts either name", async () => {
    expect(server.rootUrl).toBe(server.url.replace(/\/v1$/, ''));
    const response = await fetch(`${server.rootUrl}/api/tags`, { headers: authorized });
    const body = (await response.json()) as { models: Array<Record<string, unknown>> };
    expect(body.models.map((model) => model.name)).toEqual(
      defaultFakeModels.map((id) => (id.includes(':') ? id : `${id}:latest`)),
    );
    expect(body.models[4]).toMatchObject({
      name: 'qwen2.5-coder:7b',
      model: 'qwen2.5-coder:7b',
      digest: expect.stringMatching(/^[0-9a-f]{64}$/),
      details: { format: 'gguf', family: 'qwen2', parameter_size: '7B' },
    });
    expect((await post('/chat/completions', chatBody({ model: 'llama3.2:latest' }))).status).toBe(200);
  });

  it('cuts a JSON answer in half, hangs on demand, and still closes promptly', async () => {
    server.truncateNext();
    const cut = await fetch(`${server.url}/chat/completions`, {
      method: 'POST',
      headers: authorized,
      body: JSON.stringify(chatBody()),
    });
    expect(cut.status).toBe(200);
    await expect(cut.text()).rejects.toThrow('terminated');
    server.hangNext();
    const hung = fetch(`${server.url}/models`, { headers: authorized });
    await expect.poll(() => server.requests.length).toBe(2);
    await server.close();
    await expect(hung).rejects.toThrow('fetch failed');
    server = await startFakeOpenAiServer();
  });
});

const question = [
  'Answer from the numbered sources.',
  '[1] acme/sync@v1:src/sync.ts:1-3',
  'The sync job runs every hour and stores releases in SQLite.',
  '[2] acme/sync@v1:README.md:1-2',
  'Chocolate cake needs butter.',
].join('\n');
const expectedAnswer = 'The sources say: "The sync job runs every hour and stores releases in SQLite" [1].';

describe.each([
  {
    client: '@ai-sdk/openai-compatible',
    model: (url: string) =>
      createOpenAICompatible({
        name: 'fake',
        baseURL: url,
        apiKey: 'sk-test-key-123456',
        includeUsage: true,
      }).chatModel('qwen2.5-coder:7b'),
  },
  {
    client: '@ai-sdk/openai',
    model: (url: string) => createOpenAI({ baseURL: url, apiKey: 'sk-test-key-123456' }).chat('gpt-4o-mini'),
  },
])('fake OpenAI chat with $client', ({ model }) => {
  const ask = { system: question, prompt: 'How often does the sync job run?' };

  it('generates a cited answer with usage', async () => {
    const result = await generateText({ model: model(server.url), ...ask });
    expect(result.text).toBe(expectedAnswer);
    expect(result.finishReason).toBe('stop');
    expect(result.usage).toMatchObject({ inputTokens: 44, outputTokens: 15, totalTokens: 59 });
    expect(server.requests.map((request) => request.path)).toEqual(['/v1/chat/completions']);
  });

  it('streams the same answer in several deltas, with usage', async () => {
    const result = streamText({ model: model(server.url), ...ask });
    const deltas: string[] = [];
    for await (const delta of result.textStream) deltas.push(delta);
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join('')).toBe(expectedAnswer);
    expect(await result.finishReason).toBe('stop');
    expect(await result.usage).toMatchObject({ inputTokens: 44, outputTokens: 15, totalTokens: 59 });
  });

  it('sends scripted replies, bad citations included, and shows the replier the conversation', async () => {
    const seen: FakeChatRequest[] = [];
    server.setReply((request) => {
      seen.push(request);
      return 'It runs hourly [7].';
    });
    expect((await generateText({ model: model(server.url), ...ask })).text).toBe('It runs hourly [7].');
    const streamed = streamText({ model: model(server.url), ...ask });
    expect(await streamed.text).toBe('It runs hourly [7].');
    expect(seen[0]).toEqual({
      model: seen[0]?.model,
      system: question,
      messages: [{ role: 'user', content: 'How often does the sync job run?' }],
    });
    server.setReply(undefined);
    expect((await generateText({ model: model(server.url), ...ask })).text).toBe(expectedAnswer);
  });

  it('stops at maxOutputTokens with finish reason length', async () => {
    const generated = await generateText({ model: model(server.url), ...ask, maxOutputTokens: 4 });
    expect(generated.text).toBe('The sources say: "The');
    expect(generated.finishReason).toBe('length');
    const streamed = streamText({ model: model(server.url), ...ask, maxOutputTokens: 4 });
    expect(await streamed.text).toBe('The sources say: "The');
    expect(await streamed.finishReason).toBe('length');
    expect((await streamed.usage).outputTokens).toBe(4);
  });

  it('surfaces an injected 500 as an APICallError', async () => {
    server.failNext(500);
    const failure = await generateText({ model: model(server.url), ...ask, maxRetries: 0 }).catch(
      (error: unknown) => error,
    );
    expect(APICallError.isInstance(failure)).toBe(true);
    expect(failure).toMatchObject({ statusCode: 500, isRetryable: true });
  });

  it('makes a cut stream throw an APICallError after the first delta, with no finish part', async () => {
    server.truncateNext();
    const result = streamText({ model: model(server.url), ...ask });
    const parts: string[] = [];
    const failure = await (async () => {
      for await (const part of result.fullStream) parts.push(part.type);
    })().catch((error: unknown) => error);
    expect(parts).toEqual(['start', 'start-step', 'text-start', 'text-delta']);
    expect(APICallError.isInstance(failure)).toBe(true);
    expect(failure).toMatchObject({ message: 'Failed to process successful response', statusCode: 200 });
    expect((failure as Error).cause).toMatchObject({ message: 'terminated' });
    await expect(result.finishReason).rejects.toThrow('Failed to process successful response');
  });

  it('fails on a cut JSON answer with an error the SDK would retry (after 2 s, so not here)', async () => {
    server.truncateNext();
    const failure = await generateText({ model: model(server.url), ...ask, maxRetries: 0 }).catch(
      (error: unknown) => error,
    );
    expect(APICallError.isInstance(failure)).toBe(true);
    expect(failure).toMatchObject({ message: 'Failed to process successful response', isRetryable: true });
    expect((await generateText({ model: model(server.url), ...ask })).text).toBe(expectedAnswer);
  });

  it('lets a client timeout end a hung request', async () => {
    server.hangNext();
    await expect(
      generateText({ model: model(server.url), ...ask, abortSignal: AbortSignal.timeout(100) }),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(server.requests).toHaveLength(1);
  });
});
