import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeBedrockServer, startFakeBedrockServer } from '../../../test/support/fake-bedrock-server.ts';
import {
  type FakeOpenAiServer,
  fakeEmbedding,
  startFakeOpenAiServer,
} from '../../../test/support/fake-openai-server.ts';
import type { EmbeddingSettings } from '../../core/config.ts';
import { UpstreamError, ValidationError } from '../../core/errors/index.ts';
import type { EmbeddingRuntime } from '../../core/ports/embedding-runtime.ts';
import { embedTexts } from '../../models/embedding-runtime.ts';
import { createEmbeddingRuntime } from './create-embedding-runtime.ts';

const apiKey = 'sk-quarry-test-0123456789';
const modelsFolder = '/nonexistent/models';

function openAiSettings(overrides: Partial<EmbeddingSettings> = {}): EmbeddingSettings {
  return { provider: 'openai-compatible', model: 'nomic-embed-text', batchSize: 32, ...overrides };
}

/** Dummy credentials: the fake checks that requests are signed, not by whom. */
const awsEnvironment = {
  AWS_ACCESS_KEY_ID: 'AKIDQUARRYTEST',
  AWS_SECRET_ACCESS_KEY: 'quarry-test-secret-access-key',
  AWS_SESSION_TOKEN: 'quarry-test-session-token',
  AWS_REGION: 'us-east-1',
};

async function rejection(promise: Promise<unknown>): Promise<Error & { hint?: string }> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: Error & { hint?: string }) => error,
  );
}

function expectCloseTo(actual: Float32Array | undefined, expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  for (const [index, value] of expected.entries()) expect(actual?.[index]).toBeCloseTo(value, 6);
}

describe('createEmbeddingRuntime settings', () => {
  it('is undefined for provider none', async () => {
    expect(
      await createEmbeddingRuntime({ provider: 'none', batchSize: 32 }, { modelsFolder, environment: {} }),
    ).toBeUndefined();
  });

  it('names the missing or wrong setting in a ValidationError with a hint', async () => {
    const cases: Array<[EmbeddingSettings, Record<string, string>, RegExp]> = [
      [
        openAiSettings({ model: undefined as unknown as string }),
        {},
        /knowledge\.embedding\.model is required/,
      ],
      [openAiSettings(), {}, /knowledge\.embedding\.baseUrl is required/],
      [openAiSettings({ baseUrl: 'ftp://example.com/v1' }), {}, /not an http/],
      [{ provider: 'bedrock', model: 'amazon.titan-embed-text-v2:0', batchSize: 8 }, {}, /AWS region/],
      [
        { provider: 'bedrock', model: 'amazon.titan-embed-text-v2:0', batchSize: 8 },
        { AWS_REGION: 'us-east-1' },
        /AWS credentials/,
      ],
      [
        { provider: 'bedrock', model: 'amazon.titan-embed-text-v2:0', dimensions: 300, batchSize: 8 },
        awsEnvironment,
        /cannot produce 300 dimensions; it accepts 256, 512, 1024/,
      ],
      [
        { provider: 'bedrock', model: 'amazon.titan-embed-text-v1', dimensions: 256, batchSize: 8 },
        awsEnvironment,
        /does not accept a number of dimensions/,
      ],
      [
        { provider: 'llama-cpp', model: 'model.gguf', dimensions: 64, batchSize: 8 },
        {},
        /cannot change its number of dimensions/,
      ],
    ];
    for (const [settings, environment, message] of cases) {
      const error = await rejection(createEmbeddingRuntime(settings, { modelsFolder, environment }));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toMatch(message);
      expect(error.hint).toBeTruthy();
    }
  });
});

describe('createEmbeddingRuntime with an OpenAI-compatible endpoint', () => {
  let server: FakeOpenAiServer;
  let runtime: EmbeddingRuntime | undefined;

  beforeEach(async () => {
    server = await startFakeOpenAiServer({ requireApiKey: apiKey });
  });

  afterEach(async () => {
    await runtime?.close();
    runtime = undefined;
    await server.close();
  });

  async function open(overrides: Partial<EmbeddingSettings> = {}, fetchFunction?: typeof fetch) {
    runtime = await createEmbeddingRuntime(openAiSettings({ baseUrl: server.url, apiKey, ...overrides }), {
      modelsFolder,
      environment: {},
      ...(fetchFunction === undefined ? {} : { fetch: fetchFunction }),
    });
    if (runtime === undefined) throw new Error('expected a runtime');
    return runtime;
  }

  it('embeds in batches, sends the key as a bearer token and keeps it out of key and description', async () => {
    const model = await open();
    expect(model.key).toBe('openai-compatible:nomic-embed-text');
    expect(model.description).toMatch(
      /^openai-compatible model nomic-embed-text at http:\/\/127\.0\.0\.1:\d+\/…$/,
    );
    expect(`${model.key} ${model.description}`).not.toContain(apiKey);
    const texts = Array.from({ length: 70 }, (_, index) => `chunk number ${index} about sync`);
    const vectors = await embedTexts(model, texts, { batchSize: 32 });
    expect(server.requests.map((request) => (request.body as { input: string[] }).input.length)).toEqual([
      32, 32, 6,
    ]);
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${apiKey}`);
    expect(vectors).toHaveLength(70);
    expectCloseTo(vectors[69], fakeEmbedding('chunk number 69 about sync', 64));
  });

  it('passes dimensions to the endpoint and includes them in the key', async () => {
    const model = await open({ model: 'text-embedding-3-small', dimensions: 128 });
    expect(model.key).toBe('openai-compatible:text-embedding-3-small@128');
    const [vector] = await embedTexts(model, ['hybrid search'], { batchSize: 8 });
    expect(server.requests[0]?.body).toMatchObject({ model: 'text-embedding-3-small', dimensions: 128 });
    expectCloseTo(vector, fakeEmbedding('hybrid search', 128));
  });

  it('retries a 500 and succeeds', async () => {
    const model = await open();
    server.failNext(500, 1, 0);
    const vectors = await embedTexts(model, ['retry me'], { batchSize: 8 });
    expect(vectors).toHaveLength(1);
    expect(server.requests).toHaveLength(2);
  });

  it('gives up after the retries with an UpstreamError', async () => {
    const model = await open();
    server.failNext(503, 5, 0);
    const error = await rejection(embedTexts(model, ['x'], { batchSize: 8 }));
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toMatch(
      /^The embedding model openai-compatible:nomic-embed-text failed after 3 attempts: it answered 503/,
    );
    expect(server.requests).toHaveLength(3);
  });

  it('turns a 401 into an UpstreamError without retrying and without the key', async () => {
    const model = await open({ apiKey: 'sk-wrong-0123456789' });
    const error = await rejection(embedTexts(model, ['x'], { batchSize: 8 }));
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toMatch(/it answered 401 \(Incorrect API key provided/);
    expect(error.hint).toMatch(/apiKey/);
    expect(server.requests).toHaveLength(1);
    expect(
      JSON.stringify({ message: error.message, hint: error.hint, cause: String(error.cause) }),
    ).not.toContain('sk-wrong-0123456789');
  });

  it('removes the key from errors even when a server echoes it', async () => {
    const echoing: typeof fetch = async (_input, init) => {
      const authorization = new Headers(init?.headers).get('authorization') ?? '';
      const body = {
        error: { message: `Key ${authorization} is not allowed`, type: 'invalid_request_error' },
      };
      return new Response(JSON.stringify(body), {
        status: 400,
        headers: { 'content-type': 'application/json' },
      });
    };
    const model = await open({}, echoing);
    const error = await rejection(embedTexts(model, ['x'], { batchSize: 8 }));
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toContain('is not allowed');
    expect(`${error.message} ${error.hint} ${String(error.cause)}`).not.toContain(apiKey);
  });

  it('sends userinfo of the base URL as Basic authentication and never shows it', async () => {
    const withUserinfo = server.url.replace('http://', 'http://quarry:proxy-password@');
    runtime = await createEmbeddingRuntime(openAiSettings({ baseUrl: withUserinfo }), {
      modelsFolder,
      environment: {},
    });
    const model = runtime as EmbeddingRuntime;
    expect(model.description).not.toContain('proxy-password');
    const error = await rejection(embedTexts(model, ['x'], { batchSize: 8 }));
    const expected = `Basic ${Buffer.from('quarry:proxy-password').toString('base64')}`;
    expect(server.requests[0]?.headers.authorization).toBe(expected);
    expect(error.message).not.toContain('proxy-password');
  });
});

describe('createEmbeddingRuntime with Amazon Bedrock', () => {
  let bedrock: FakeBedrockServer;
  let environment: Record<string, string>;

  beforeEach(async () => {
    bedrock = await startFakeBedrockServer();
    environment = { ...awsEnvironment, AWS_ENDPOINT_URL_BEDROCK_RUNTIME: bedrock.url };
  });

  afterEach(async () => {
    await bedrock.close();
  });

  it('embeds with Titan v2 at the configured size, one signed request per text', async () => {
    const runtime = await createEmbeddingRuntime(
      { provider: 'bedrock', model: 'amazon.titan-embed-text-v2:0', dimensions: 512, batchSize: 32 },
      { modelsFolder, environment },
    );
    if (runtime === undefined) throw new Error('expected a runtime');
    expect(runtime.key).toBe('bedrock:amazon.titan-embed-text-v2:0@512');
    expect(runtime.description).toBe('Amazon Bedrock model amazon.titan-embed-text-v2:0 in us-east-1');
    const texts = ['knowledge base', 'vector search', 'release sync'];
    const vectors = await embedTexts(runtime, texts, { batchSize: 32 });
    expect(bedrock.requests).toHaveLength(3);
    for (const request of bedrock.requests) {
      expect(request.modelId).toBe('amazon.titan-embed-text-v2:0');
      expect(request.headers.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDQUARRYTEST\/\d{8}\/us-east-1\/bedrock\/aws4_request/,
      );
      expect(request.headers['x-amz-security-token']).toBe('quarry-test-session-token');
    }
    const sentTexts = bedrock.requests.map((request) => (request.body as { inputText: string }).inputText);
    expect(sentTexts.sort()).toEqual([...texts].sort());
    expect(bedrock.requests[0]?.body).toMatchObject({ dimensions: 512 });
    for (const [index, text] of texts.entries()) expectCloseTo(vectors[index], fakeEmbedding(text, 512));
  });

  it('takes the region from the options before the environment', async () => {
    const runtime = await createEmbeddingRuntime(
      { provider: 'bedrock', model: 'amazon.titan-embed-text-v2:0', batchSize: 32 },
      { modelsFolder, environment, region: 'eu-west-1' },
    );
    if (runtime === undefined) throw new Error('expected a runtime');
    await embedTexts(runtime, ['x'], { batchSize: 1 });
    expect(bedrock.requests[0]?.headers.authorization).toContain('/eu-west-1/bedrock/aws4_request');
  });

  it('sends a batch to Cohere in one request', async () => {
    const runtime = await createEmbeddingRuntime(
      { provider: 'bedrock', model: 'cohere.embed-english-v3', batchSize: 32 },
      { modelsFolder, environment },
    );
    if (runtime === undefined) throw new Error('expected a runtime');
    const vectors = await embedTexts(runtime, ['a b', 'c d', 'e f'], { batchSize: 32 });
    expect(bedrock.requests).toHaveLength(1);
    expect(bedrock.requests[0]?.body).toMatchObject({ texts: ['a b', 'c d', 'e f'] });
    expectCloseTo(vectors[2], fakeEmbedding('e f', 1024));
  });

  it('turns an unknown model into an UpstreamError without credentials', async () => {
    const runtime = await createEmbeddingRuntime(
      { provider: 'bedrock', model: 'acme.embed-v9', batchSize: 32 },
      { modelsFolder, environment },
    );
    if (runtime === undefined) throw new Error('expected a runtime');
    const error = await rejection(embedTexts(runtime, ['x'], { batchSize: 1 }));
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toContain('it answered 400 (The provided model identifier is invalid.)');
    expect(error.message).not.toContain('quarry-test-secret-access-key');
  });
});

describe('createEmbeddingRuntime with llama.cpp', () => {
  it('loads a local GGUF file and embeds with it', async () => {
    const modelPath = fileURLToPath(new URL('../../../../shared/models/stories260K.gguf', import.meta.url));
    const runtime = await createEmbeddingRuntime(
      { provider: 'llama-cpp', model: modelPath, batchSize: 8 },
      { modelsFolder, environment: {} },
    );
    if (runtime === undefined) throw new Error('expected a runtime');
    try {
      expect(runtime.key).toBe('llama-cpp:stories260K.gguf');
      expect(runtime.description).toMatch(
        /^llama\.cpp model stories260K\.gguf \(in-process, \d+ dimensions\)$/,
      );
      const vectors = await embedTexts(runtime, ['a dog', 'a cat'], { batchSize: 8 });
      expect(vectors).toHaveLength(2);
      expect(Math.hypot(...(vectors[0] ?? []))).toBeCloseTo(1, 5);
    } finally {
      await runtime.close();
    }
  });
});
