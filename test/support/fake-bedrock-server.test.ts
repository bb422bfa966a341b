import { createAmazonBedrock } from '@ai-sdk/amazon-bedrock';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { APICallError, generateText, streamText } from 'ai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type FakeBedrockServer,
  fakeBedrockChatModels,
  startFakeBedrockServer,
} from './fake-bedrock-server.ts';
import type { FakeChatRequest } from './fake-chat-reply.ts';
import { fakeEmbedding } from './fake-openai-server.ts';

let bedrock: FakeBedrockServer;

beforeEach(async () => {
  bedrock = await startFakeBedrockServer();
});

afterEach(async () => {
  await bedrock.close();
});

/** Headers shaped like a SigV4 signature; the fake checks the shape, not the signature. */
const signed = {
  authorization: `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250101/us-east-1/bedrock/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=${'a'.repeat(64)}`,
  'x-amz-date': '20250101T000000Z',
  'content-type': 'application/json',
};

/** Every answer shape in one, so tests can look into any without casts. */
interface BedrockAnswer {
  embedding: number[];
  inputTextTokenCount: number;
  id: string;
  embeddings: number[][];
  texts: string[];
  response_type: string;
  message: string;
}

async function invoke(modelId: string, body: unknown, headers: Record<string, string> = signed) {
  const response = await fetch(`${bedrock.url}/model/${encodeURIComponent(modelId)}/invoke`, {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    json: (await response.json()) as BedrockAnswer,
  };
}

describe('fake Bedrock server', () => {
  it('embeds with Titan v2 at the requested size and records the decoded model id', async () => {
    const answer = await invoke('amazon.titan-embed-text-v2:0', {
      inputText: 'hello world',
      dimensions: 256,
    });
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ embedding: fakeEmbedding('hello world', 256), inputTextTokenCount: 2 });
    expect(answer.headers.get('x-amzn-bedrock-input-token-count')).toBe('2');
    expect(bedrock.requests[0]).toMatchObject({
      path: '/model/amazon.titan-embed-text-v2%3A0/invoke',
      modelId: 'amazon.titan-embed-text-v2:0',
      body: { inputText: 'hello world', dimensions: 256 },
    });
  });

  it('defaults Titan v2 to 1024 normalised dimensions and skips normalising when told', async () => {
    const plain = await invoke('amazon.titan-embed-text-v2:0', { inputText: 'a b' });
    expect(plain.json.embedding).toHaveLength(1024);
    const raw = await invoke('amazon.titan-embed-text-v2:0', { inputText: 'a b', normalize: false });
    expect(Math.hypot(...raw.json.embedding)).toBeGreaterThan(1.5);
    const wrongSize = await invoke('amazon.titan-embed-text-v2:0', { inputText: 'a', dimensions: 300 });
    expect(wrongSize.status).toBe(400);
  });

  it('serves Titan v1 with 1536 dimensions and rejects a dimensions key', async () => {
    const answer = await invoke('amazon.titan-embed-text-v1', { inputText: 'x' });
    expect(answer.json.embedding).toHaveLength(1536);
    const extra = await invoke('amazon.titan-embed-text-v1', { inputText: 'x', dimensions: 256 });
    expect(extra.status).toBe(400);
    expect(extra.headers.get('x-amzn-errortype')).toBe('ValidationException');
    expect(extra.json.message).toContain('extraneous key [dimensions] is not permitted');
  });

  it('embeds lists with Cohere v3 and requires input_type', async () => {
    const answer = await invoke('cohere.embed-english-v3', {
      texts: ['one', 'two'],
      input_type: 'search_document',
    });
    expect(answer.json).toMatchObject({
      texts: ['one', 'two'],
      response_type: 'embeddings_floats',
      embeddings: [fakeEmbedding('one', 1024), fakeEmbedding('two', 1024)],
    });
    expect(typeof answer.json.id).toBe('string');
    const multilingual = await invoke('cohere.embed-multilingual-v3', {
      texts: ['x'],
      input_type: 'search_query',
    });
    expect(multilingual.status).toBe(200);
    const missing = await invoke('cohere.embed-english-v3', { texts: ['one'] });
    expect(missing.status).toBe(400);
    expect(missing.json.message).toContain('required key [input_type] not found');
  });

  it('answers 400 with a message for unknown models and malformed bodies', async () => {
    const unknown = await invoke('acme.embed-v9', { inputText: 'x' });
    expect(unknown.status).toBe(400);
    expect(unknown.json).toEqual({ message: 'The provided model identifier is invalid.' });
    expect((await invoke('amazon.titan-embed-text-v2:0', '{')).status).toBe(400);
    expect((await invoke('amazon.titan-embed-text-v2:0', { inputText: '' })).status).toBe(400);
  });

  it('answers 403 without an Authorization header, and accepts a Bedrock API key', async () => {
    const unsigned = await invoke('amazon.titan-embed-text-v2:0', { inputText: 'x' }, {});
    expect(unsigned.status).toBe(403);
    expect(unsigned.json).toEqual({ message: 'Missing Authentication Token' });
    const malformed = await invoke(
      'amazon.titan-embed-text-v2:0',
      { inputText: 'x' },
      { authorization: 'AWS4 x' },
    );
    expect(malformed.status).toBe(403);
    const bearer = await invoke(
      'amazon.titan-embed-text-v2:0',
      { inputText: 'x' },
      { authorization: 'Bearer key' },
    );
    expect(bearer.status).toBe(200);
  });

  it('fails the next requests on demand', async () => {
    bedrock.failNext(429, 2);
    const throttled = await invoke('amazon.titan-embed-text-v2:0', { inputText: 'x' });
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('x-amzn-errortype')).toBe('ThrottlingException');
    expect((await invoke('amazon.titan-embed-text-v2:0', { inputText: 'x' })).status).toBe(429);
    expect((await invoke('amazon.titan-embed-text-v2:0', { inputText: 'x' })).status).toBe(200);
    expect(bedrock.requests).toHaveLength(3);
  });
});

/** Splits an event-stream body into its messages: headers as plain values, payloads parsed. */
function decodeEvents(bytes: Uint8Array): Array<{ headers: Record<string, unknown>; payload: unknown }> {
  const codec = new EventStreamCodec(toUtf8, fromUtf8);
  const events: Array<{ headers: Record<string, unknown>; payload: unknown }> = [];
  let rest = bytes;
  while (rest.length > 0) {
    const length = new DataView(rest.buffer, rest.byteOffset, rest.byteLength).getUint32(0);
    const message = codec.decode(rest.subarray(0, length));
    const headers = Object.fromEntries(
      Object.entries(message.headers).map(([name, header]) => [name, header.value]),
    );
    events.push({ headers, payload: JSON.parse(toUtf8(message.body)) });
    rest = rest.subarray(length);
  }
  return events;
}

async function converse(modelId: string, operation: 'converse' | 'converse-stream', body: unknown) {
  return fetch(`${bedrock.url}/model/${encodeURIComponent(modelId)}/${operation}`, {
    method: 'POST',
    headers: signed,
    body: JSON.stringify(body),
  });
}

const hello = {
  messages: [{ role: 'user', content: [{ text: 'hello fake' }] }],
  system: [{ text: 'Be brief.' }],
};

describe('fake Bedrock Converse on the wire', () => {
  it('answers Converse in the Bedrock format', async () => {
    const response = await converse('amazon.nova-micro-v1:0', 'converse', hello);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      output: { message: { role: 'assistant', content: [{ text: 'You said: hello fake' }] } },
      stopReason: 'end_turn',
      usage: { inputTokens: 4, outputTokens: 4, totalTokens: 8 },
      metrics: { latencyMs: 120 },
    });
    expect(bedrock.requests[0]).toMatchObject({ method: 'POST', modelId: 'amazon.nova-micro-v1:0' });
  });

  it('streams event-stream messages with padded JSON payloads', async () => {
    bedrock.setReply(() => 'one two three four five six seven');
    const response = await converse('meta.llama3-8b-instruct-v1:0', 'converse-stream', {
      ...hello,
      inferenceConfig: { maxTokens: 5 },
    });
    expect(response.headers.get('content-type')).toBe('application/vnd.amazon.eventstream');
    const events = decodeEvents(new Uint8Array(await response.arrayBuffer()));
    expect(events.map((event) => event.headers)).toEqual(
      [
        'messageStart',
        'contentBlockDelta',
        'contentBlockDelta',
        'contentBlockStop',
        'messageStop',
        'metadata',
      ].map((type) => ({
        ':event-type': type,
        ':content-type': 'application/json',
        ':message-type': 'event',
      })),
    );
    const payloads = events.map((event) => {
      const { p, ...rest } = event.payload as Record<string, unknown>;
      expect(p).toMatch(/^[a-zA-Z0-9]{4,}$/);
      return rest;
    });
    expect(payloads).toEqual([
      { role: 'assistant' },
      { contentBlockIndex: 0, delta: { text: 'one two three' } },
      { contentBlockIndex: 0, delta: { text: ' four five' } },
      { contentBlockIndex: 0 },
      { stopReason: 'max_tokens' },
      { usage: { inputTokens: 4, outputTokens: 5, totalTokens: 9 }, metrics: { latencyMs: 125 } },
    ]);
  });

  it('rejects unknown models, embedding models and bad conversations with ValidationException', async () => {
    const unknown = await converse('acme.chat-v9', 'converse', hello);
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('x-amzn-errortype')).toBe('ValidationException');
    expect(await unknown.json()).toEqual({ message: 'The provided model identifier is invalid.' });
    const embedding = await converse('amazon.titan-embed-text-v2:0', 'converse-stream', hello);
    expect(((await embedding.json()) as { message: string }).message).toContain("doesn't support the model");
    const assistantFirst = await converse('amazon.nova-micro-v1:0', 'converse', {
      messages: [{ role: 'assistant', content: [{ text: 'hi' }] }],
    });
    expect(((await assistantFirst.json()) as { message: string }).message).toContain(
      'must start with a user message',
    );
    const budget = await converse('amazon.nova-micro-v1:0', 'converse', {
      ...hello,
      inferenceConfig: { maxTokens: 0 },
    });
    expect(((await budget.json()) as { message: string }).message).toContain("'inferenceConfig.maxTokens'");
  });

  it('lists foundation models like ListFoundationModels, with filters and the signed region', async () => {
    const list = async (query = '') => {
      const response = await fetch(`${bedrock.url}/foundation-models${query}`, { headers: signed });
      return ((await response.json()) as { modelSummaries: Array<Record<string, unknown>> }).modelSummaries;
    };
    const all = await list();
    expect(all.map((summary) => summary.modelId)).toEqual([
      'amazon.titan-embed-text-v2:0',
      'amazon.titan-embed-text-v1',
      'cohere.embed-english-v3',
      'cohere.embed-multilingual-v3',
      ...fakeBedrockChatModels,
    ]);
    expect(all.find((summary) => summary.modelId === 'amazon.nova-micro-v1:0')).toEqual({
      modelArn: 'arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0',
      modelId: 'amazon.nova-micro-v1:0',
      modelName: 'Nova Micro',
      providerName: 'Amazon',
      inputModalities: ['TEXT'],
      outputModalities: ['TEXT'],
      responseStreamingSupported: true,
      customizationsSupported: [],
      inferenceTypesSupported: ['ON_DEMAND'],
      modelLifecycle: { status: 'ACTIVE' },
    });
    expect((await list('?byOutputModality=EMBEDDING')).map((summary) => summary.modelId)).toHaveLength(4);
    expect(
      (await list('?byProvider=amazon&byOutputModality=TEXT')).map((summary) => summary.modelId),
    ).toEqual(['amazon.nova-micro-v1:0']);
    const unsigned = await fetch(`${bedrock.url}/foundation-models`);
    expect(unsigned.status).toBe(403);
  });
});

describe('fake Bedrock Converse with @ai-sdk/amazon-bedrock', () => {
  const model = (modelId = 'anthropic.claude-3-5-sonnet-20240620-v1:0') =>
    createAmazonBedrock({
      baseURL: bedrock.url,
      region: 'eu-west-1',
      accessKeyId: 'AKIDQUARRYTEST',
      secretAccessKey: 'fake-secret',
      // An empty key makes the SDK sign with SigV4 instead of reading AWS_BEARER_TOKEN_BEDROCK.
      apiKey: '',
    })(modelId);
  const system = [
    'Answer from the numbered sources.',
    '[1] acme/sync@v1:src/sync.ts:1-3',
    'The sync job runs every hour and stores releases in SQLite.',
  ].join('\n');
  const ask = { system, prompt: 'How often does the sync job run?' };
  const expectedAnswer = 'The sources say: "The sync job runs every hour and stores releases in SQLite" [1].';

  it('generates a cited answer through a signed Converse call', async () => {
    const result = await generateText({ model: model(), ...ask });
    expect(result.text).toBe(expectedAnswer);
    expect(result.finishReason).toBe('stop');
    expect(result.usage).toMatchObject({ inputTokens: 32, outputTokens: 15, totalTokens: 47 });
    expect(bedrock.requests[0]?.path).toBe('/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse');
    expect(bedrock.requests[0]?.headers.authorization).toContain('/eu-west-1/bedrock/aws4_request');
  });

  it('streams the same answer through ConverseStream', async () => {
    const result = streamText({ model: model('amazon.nova-micro-v1:0'), ...ask });
    const deltas: string[] = [];
    for await (const delta of result.textStream) deltas.push(delta);
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join('')).toBe(expectedAnswer);
    expect(await result.finishReason).toBe('stop');
    expect(await result.usage).toMatchObject({ inputTokens: 32, outputTokens: 15, totalTokens: 47 });
    expect(bedrock.requests[0]?.path).toBe('/model/amazon.nova-micro-v1%3A0/converse-stream');
  });

  it('sends scripted replies and stops at maxOutputTokens', async () => {
    const seen: FakeChatRequest[] = [];
    bedrock.setReply((request) => {
      seen.push(request);
      return 'It runs hourly, see [7] and the docs.';
    });
    expect((await generateText({ model: model(), ...ask })).text).toBe(
      'It runs hourly, see [7] and the docs.',
    );
    expect(seen[0]).toEqual({
      model: 'anthropic.claude-3-5-sonnet-20240620-v1:0',
      system,
      messages: [{ role: 'user', content: 'How often does the sync job run?' }],
    });
    const cut = streamText({ model: model(), ...ask, maxOutputTokens: 5 });
    expect(await cut.text).toBe('It runs hourly, see [7]');
    expect(await cut.finishReason).toBe('length');
    expect(bedrock.requests[1]?.body).toMatchObject({ inferenceConfig: { maxTokens: 5 } });
  });

  it('surfaces an injected 500 and an unknown model as APICallErrors', async () => {
    bedrock.failNext(500);
    const failure = await generateText({ model: model(), ...ask, maxRetries: 0 }).catch(
      (error: unknown) => error,
    );
    expect(APICallError.isInstance(failure)).toBe(true);
    expect(failure).toMatchObject({ statusCode: 500, isRetryable: true });
    const unknown = await generateText({ model: model('acme.chat-v9'), ...ask }).catch(
      (error: unknown) => error,
    );
    expect(unknown).toMatchObject({ statusCode: 400, message: 'The provided model identifier is invalid.' });
  });

  it('makes a cut event stream throw a bare TypeError after the first delta, with no finish part', async () => {
    bedrock.truncateNext();
    const result = streamText({ model: model(), ...ask });
    const parts: string[] = [];
    const failure = await (async () => {
      for await (const part of result.fullStream) parts.push(part.type);
    })().catch((error: unknown) => error);
    expect(parts).toEqual(['start', 'start-step', 'text-start', 'text-delta']);
    expect(APICallError.isInstance(failure)).toBe(false);
    expect(failure).toBeInstanceOf(TypeError);
    expect(failure).toMatchObject({ message: 'terminated', cause: { code: 'UND_ERR_SOCKET' } });
    await expect(result.text).rejects.toThrow('terminated');
  });

  it('fails on a cut Converse answer, and lets a client timeout end a hung request', async () => {
    bedrock.truncateNext();
    await expect(generateText({ model: model(), ...ask, maxRetries: 0 })).rejects.toMatchObject({
      message: 'Failed to process successful response',
      isRetryable: true,
    });
    bedrock.hangNext();
    await expect(
      generateText({ model: model(), ...ask, abortSignal: AbortSignal.timeout(100) }),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(bedrock.requests).toHaveLength(2);
  });
});
