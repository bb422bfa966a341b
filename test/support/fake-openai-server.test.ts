import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeOpenAiServer, fakeEmbedding, startFakeOpenAiServer } from './fake-openai-server.ts';

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
