import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeBedrockServer, startFakeBedrockServer } from './fake-bedrock-server.ts';
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
