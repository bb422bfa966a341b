import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { APICallError, generateText } from 'ai';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeBedrockServer, startFakeBedrockServer } from '../../../test/support/fake-bedrock-server.ts';
import { type FakeOpenAiServer, startFakeOpenAiServer } from '../../../test/support/fake-openai-server.ts';
import { resolveConfig } from '../../core/config.ts';
import { ConflictError, NotFoundError, UpstreamError, ValidationError } from '../../core/errors/index.ts';
import { estimateTokens } from '../../core/estimate-tokens.ts';
import type { ModelsConfig } from '../../core/model-config.ts';
import type { LanguageRuntime } from '../../core/ports/language-runtime.ts';
import { resolveModel } from '../../models/model-registry.ts';
import { LlamaCppLanguageModel } from '../llama-cpp/llama-cpp-language-model.ts';
import { type CreateLanguageRuntimeOptions, createLanguageRuntime } from './create-language-runtime.ts';

/** A real 1 MB llama model (MIT). */
const storiesModel = fileURLToPath(new URL('../../../../shared/models/stories260K.gguf', import.meta.url));
const modelsFolder = '/nonexistent/models';
const apiKey = 'sk-quarry-test-0123456789';

/** Dummy credentials: the fake checks that requests are signed, not by whom. */
const awsKeys = {
  AWS_ACCESS_KEY_ID: 'AKIDQUARRYTEST',
  AWS_SECRET_ACCESS_KEY: 'quarry-test-secret-access-key',
};

/** The `models` section with every default applied, as a configuration file would give it. */
function modelsConfig(models: Record<string, unknown> = {}): ModelsConfig {
  return resolveConfig([{ source: 'quarry.config.yaml', values: { models } }]).models;
}

let opened: LanguageRuntime[] = [];

/** Resolves `reference` in `models` and opens it; closed after the test. */
async function open(
  models: ModelsConfig,
  reference: string,
  options: Partial<CreateLanguageRuntimeOptions> = {},
): Promise<LanguageRuntime> {
  const runtime = await createLanguageRuntime(resolveModel(models, reference), {
    models,
    modelsFolder,
    environment: {},
    ...options,
  });
  opened.push(runtime);
  return runtime;
}

async function rejection(promise: Promise<unknown>): Promise<Error & { hint?: string }> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: Error & { hint?: string }) => error,
  );
}

afterEach(async () => {
  await Promise.all(opened.map((runtime) => runtime.close()));
  opened = [];
});

describe('createLanguageRuntime with an OpenAI-compatible server', () => {
  let server: FakeOpenAiServer;

  beforeEach(async () => {
    server = await startFakeOpenAiServer();
  });

  afterEach(async () => {
    await server.close();
  });

  it('answers through generateText and describes itself without the path', async () => {
    const models = modelsConfig({
      entries: { coder: { provider: 'openai-compatible', model: 'qwen2.5-coder:7b', baseURL: server.url } },
    });
    const runtime = await open(models, 'coder');
    expect(runtime).toMatchObject({
      name: 'coder',
      provider: 'openai-compatible',
      modelId: 'qwen2.5-coder:7b',
      // openai-compatible servers (Ollama) are assumed to have a 4096-token context unless the entry says.
      contextTokens: 4096,
      maxOutputTokens: 1024,
    });
    expect(runtime.description).toMatch(
      /^openai-compatible model qwen2\.5-coder:7b at http:\/\/127\.0\.0\.1:\d+\/…$/,
    );
    expect(runtime.countTokens('hello world')).toBe(estimateTokens('hello world'));
    const { text } = await generateText({ model: runtime.model, prompt: 'hello there', maxRetries: 0 });
    expect(text).toBe('You said: hello there');
    expect(server.requests[0]).toMatchObject({ method: 'POST', path: '/v1/chat/completions' });
    expect(server.requests[0]?.headers.authorization).toBeUndefined();
  });

  it('uses models.baseURL for an ad-hoc reference and sends the entry apiKey as a bearer token', async () => {
    const adHoc = await open(modelsConfig({ baseURL: server.url }), 'openai-compatible:llama3.2');
    expect((await generateText({ model: adHoc.model, prompt: 'hi', maxRetries: 0 })).text).toBe(
      'You said: hi',
    );
    const keyed = modelsConfig({
      entries: { vllm: { provider: 'openai-compatible', model: 'llama3.2', baseURL: server.url, apiKey } },
    });
    await generateText({ model: (await open(keyed, 'vllm')).model, prompt: 'hi', maxRetries: 0 });
    expect(server.requests.map((request) => request.headers.authorization)).toEqual([
      undefined,
      `Bearer ${apiKey}`,
    ]);
  });

  it('requires a baseURL, naming the setting of the entry', async () => {
    const models = modelsConfig({ entries: { gpu: { provider: 'openai-compatible', model: 'llama3.2' } } });
    const error = await rejection(open(models, 'gpu'));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe('The openai-compatible model gpu needs a baseURL.');
    expect(error.hint).toContain('models.entries.gpu.baseURL');
  });

  it('sends Basic credentials from the baseURL as a header, and never shows them', async () => {
    const password = 'pr0xy-s3cret-word';
    const basic = Buffer.from(`quarry:${password}`).toString('base64');
    const baseURL = server.url.replace('http://', `http://quarry:${password}@`);
    const models = modelsConfig({
      entries: { proxied: { provider: 'openai-compatible', model: 'llama3.2', baseURL } },
    });
    const runtime = await open(models, 'proxied');
    expect(runtime.description).not.toContain(password);
    expect(runtime.description).not.toContain('quarry@');
    await generateText({ model: runtime.model, prompt: 'hi', maxRetries: 0 });
    expect(server.requests[0]?.headers.authorization).toBe(`Basic ${basic}`);

    server.failNext(401);
    const error = await rejection(generateText({ model: runtime.model, prompt: 'hi', maxRetries: 0 }));
    expect(APICallError.isInstance(error)).toBe(true);
    const apiError = error as APICallError;
    expect(apiError.statusCode).toBe(401);
    const shown = [apiError.message, apiError.url, apiError.responseBody ?? '', String(apiError)].join('\n');
    expect(shown).toContain('Injected failure (401)');
    for (const secret of [password, basic]) expect(shown).not.toContain(secret);
  });

  it('redacts credentials that a proxy echoes back in its error', async () => {
    const password = 'pr0xy-s3cret-word';
    const basic = Buffer.from(`quarry:${password}`).toString('base64');
    // A proxy that quotes the request's credentials in its error, as some do.
    const echoing: typeof fetch = async (input, init) => {
      const authorization = new Headers(init?.headers).get('authorization') ?? '';
      const body = JSON.stringify({
        error: { message: `denied ${authorization} (user quarry:${password})` },
      });
      await fetch(input, init).then((response) => response.body?.cancel());
      return new Response(body, { status: 401, headers: { 'content-type': 'application/json' } });
    };
    const baseURL = server.url.replace('http://', `http://quarry:${password}@`);
    const models = modelsConfig({
      entries: { proxied: { provider: 'openai-compatible', model: 'llama3.2', baseURL } },
    });
    const runtime = await open(models, 'proxied', { fetch: echoing });
    const error = (await rejection(
      generateText({ model: runtime.model, prompt: 'hi', maxRetries: 0 }),
    )) as APICallError;
    const shown = [error.message, error.url, error.responseBody ?? '', String(error)].join('\n');
    expect(shown).toContain('denied');
    for (const secret of [password, basic]) expect(shown).not.toContain(secret);
  });
});

describe('createLanguageRuntime for OpenAI', () => {
  let server: FakeOpenAiServer;

  beforeEach(async () => {
    server = await startFakeOpenAiServer({ requireApiKey: apiKey });
  });

  afterEach(async () => {
    await server.close();
  });

  it('needs an API key from the entry or OPENAI_API_KEY', async () => {
    const models = modelsConfig({ entries: { gpt: { provider: 'openai', model: 'gpt-4o-mini' } } });
    const error = await rejection(open(models, 'gpt', { environment: {} }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain('needs an API key');
    expect(error.hint).toContain('models.entries.gpt.apiKey');
    expect(error.hint).toContain('OPENAI_API_KEY');
    const adHoc = await rejection(
      open(models, 'openai:gpt-4o-mini', { environment: { OPENAI_API_KEY: '' } }),
    );
    expect(adHoc).toBeInstanceOf(ValidationError);
  });

  it('talks to /chat/completions at a baseURL with the key from OPENAI_API_KEY', async () => {
    const models = modelsConfig({
      entries: { gpt: { provider: 'openai', model: 'gpt-4o-mini', baseURL: server.url } },
    });
    const runtime = await open(models, 'gpt', { environment: { OPENAI_API_KEY: apiKey } });
    expect(runtime.description).toMatch(/^openai model gpt-4o-mini at http:\/\/127\.0\.0\.1:\d+\/…$/);
    expect(runtime.description).not.toContain(apiKey);
    const { text } = await generateText({ model: runtime.model, prompt: 'ping', maxRetries: 0 });
    expect(text).toBe('You said: ping');
    expect(server.requests.map((request) => request.path)).toEqual(['/v1/chat/completions']);
    expect(server.requests[0]?.headers.authorization).toBe(`Bearer ${apiKey}`);
  });

  it('keeps a wrong API key out of the error', async () => {
    const wrongKey = 'sk-wrong-key-abcdefghijklmnop';
    const models = modelsConfig({
      entries: { gpt: { provider: 'openai', model: 'gpt-4o-mini', baseURL: server.url, apiKey: wrongKey } },
    });
    const runtime = await open(models, 'gpt');
    const error = (await rejection(
      generateText({ model: runtime.model, prompt: 'ping', maxRetries: 0 }),
    )) as APICallError;
    expect(error.statusCode).toBe(401);
    expect(`${error.message}\n${error.responseBody ?? ''}`).not.toContain(wrongKey);
  });
});

describe('createLanguageRuntime for Amazon Bedrock', () => {
  let bedrock: FakeBedrockServer;

  beforeEach(async () => {
    bedrock = await startFakeBedrockServer();
  });

  afterEach(async () => {
    await bedrock.close();
  });

  it('needs a region, naming the settings that give one', async () => {
    const models = modelsConfig({
      entries: { claude: { provider: 'bedrock', model: 'anthropic.claude-3-5-sonnet-20240620-v1:0' } },
    });
    const error = await rejection(open(models, 'claude', { environment: { ...awsKeys } }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain('needs an AWS region');
    expect(error.hint).toContain('models.entries.claude.region');
    expect(error.hint).toContain('AWS_REGION');
  });

  it('signs with static keys from the environment and uses AWS_ENDPOINT_URL_BEDROCK_RUNTIME', async () => {
    const models = modelsConfig();
    const runtime = await open(models, 'bedrock:anthropic.claude-3-5-sonnet-20240620-v1:0', {
      environment: { ...awsKeys, AWS_ENDPOINT_URL_BEDROCK_RUNTIME: bedrock.url },
      region: 'eu-west-1',
    });
    expect(runtime.description).toBe(
      'Amazon Bedrock model anthropic.claude-3-5-sonnet-20240620-v1:0 in eu-west-1',
    );
    const { text } = await generateText({ model: runtime.model, prompt: 'hello bedrock', maxRetries: 0 });
    expect(text).toBe('You said: hello bedrock');
    expect(bedrock.requests[0]).toMatchObject({
      method: 'POST',
      modelId: 'anthropic.claude-3-5-sonnet-20240620-v1:0',
    });
    expect(bedrock.requests[0]?.path).toMatch(/\/converse$/);
    expect(bedrock.requests[0]?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDQUARRYTEST\/\d{8}\/eu-west-1\/bedrock\/aws4_request/,
    );
  });

  it('prefers the entry region over aws.region and AWS_REGION', async () => {
    const models = modelsConfig({
      entries: { nova: { provider: 'bedrock', model: 'amazon.nova-micro-v1:0', region: 'ap-south-1' } },
    });
    const runtime = await open(models, 'nova', {
      environment: { ...awsKeys, AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_BEDROCK_RUNTIME: bedrock.url },
      region: 'eu-west-1',
    });
    expect(runtime.description).toContain('in ap-south-1');
    await generateText({ model: runtime.model, prompt: 'hi', maxRetries: 0 });
    expect(bedrock.requests[0]?.headers.authorization).toContain('/ap-south-1/bedrock/');
  });
});

describe('createLanguageRuntime limits', () => {
  const baseURL = 'http://127.0.0.1:9/v1';

  it('clamps maxOutputTokens to half the context', async () => {
    const models = modelsConfig({
      contextTokens: 1500,
      entries: {
        small: {
          provider: 'openai-compatible',
          model: 'm',
          baseURL,
          contextTokens: 1000,
          maxOutputTokens: 4096,
        },
        defaults: { provider: 'openai', model: 'm', baseURL, apiKey: 'sk-test' },
        roomy: {
          provider: 'openai-compatible',
          model: 'm',
          baseURL,
          contextTokens: 32_000,
          maxOutputTokens: 2000,
        },
      },
    });
    expect((await open(models, 'small')).maxOutputTokens).toBe(500);
    expect((await open(models, 'defaults')).maxOutputTokens).toBe(750);
    expect((await open(models, 'roomy')).maxOutputTokens).toBe(2000);
  });

  it('takes contextTokens, temperature and prompts from the entry over the global settings', async () => {
    const models = modelsConfig({
      contextTokens: 4096,
      prompts: { system: 'Global.' },
      entries: {
        big: {
          provider: 'openai-compatible',
          model: 'm',
          baseURL,
          contextTokens: 128_000,
          temperature: 0.3,
          prompts: { system: 'Entry.' },
        },
        plain: { provider: 'openai-compatible', model: 'm', baseURL },
      },
    });
    const big = await open(models, 'big');
    expect(big).toMatchObject({ contextTokens: 128_000, maxOutputTokens: 1024, temperature: 0.3 });
    expect(big.prompts.system).toBe('Entry.');
    const plain = await open(models, 'plain');
    expect(plain.contextTokens).toBe(4096);
    expect(plain).not.toHaveProperty('temperature');
    expect(plain.prompts.system).toBe('Global.');
  });
});

describe('createLanguageRuntime with llama.cpp', () => {
  const models = modelsConfig({ entries: { tiny: { provider: 'llama-cpp', model: storiesModel } } });
  let runtime: LanguageRuntime;

  beforeAll(async () => {
    runtime = await createLanguageRuntime(resolveModel(models, 'tiny'), {
      models,
      modelsFolder,
      environment: {},
      threads: 1,
    });
  });

  afterAll(async () => {
    await runtime?.close();
  });

  it('takes the context from the model and counts tokens with its tokenizer', () => {
    expect(runtime.model).toBeInstanceOf(LlamaCppLanguageModel);
    const model = runtime.model as LlamaCppLanguageModel;
    expect(runtime).toMatchObject({ name: 'tiny', provider: 'llama-cpp', modelId: 'stories260K.gguf' });
    expect(runtime.contextTokens).toBe(model.contextTokens);
    expect(runtime.contextTokens).not.toBe(models.contextTokens);
    expect(runtime.maxOutputTokens).toBe(Math.min(1024, Math.floor(model.contextTokens / 2)));
    expect(runtime.description).toBe(
      `llama.cpp model stories260K.gguf (in-process, ${model.contextTokens}-token context)`,
    );
    const text = 'Once upon a time there was a little dog named Tim.';
    expect(runtime.countTokens(text)).toBe(model.countTokens(text));
    expect(runtime.countTokens('')).toBe(0);
  });

  it('answers through generateText', async () => {
    const { text, finishReason } = await generateText({
      model: runtime.model,
      prompt: 'Once upon a time',
      maxOutputTokens: 8,
      maxRetries: 0,
    });
    expect(typeof text).toBe('string');
    expect(['stop', 'length']).toContain(finishReason);
  });

  it('uses the entry contextTokens as the context size, and closes', async () => {
    const sized = modelsConfig({
      // A multiple of 256: llama.cpp rounds a context size up to one.
      entries: { tiny: { provider: 'llama-cpp', model: storiesModel, contextTokens: 256 } },
    });
    const small = await createLanguageRuntime(resolveModel(sized, 'tiny'), {
      models: sized,
      modelsFolder,
      environment: {},
      threads: 1,
    });
    expect(small.contextTokens).toBe(256);
    expect((small.model as LlamaCppLanguageModel).contextTokens).toBe(256);
    expect(small.contextTokens).not.toBe(runtime.contextTokens);
    expect(small.maxOutputTokens).toBe(128);
    await small.close();
    const error = await rejection(generateText({ model: small.model, prompt: 'hi', maxRetries: 0 }));
    expect(error).toBeInstanceOf(ConflictError);
  });

  it('reports a missing file as NotFoundError naming the setting', async () => {
    const missing = modelsConfig({
      entries: { gone: { provider: 'llama-cpp', model: './no-such-model.gguf' } },
    });
    const error = await rejection(
      createLanguageRuntime(resolveModel(missing, 'gone'), {
        models: missing,
        modelsFolder,
        environment: {},
        workingDirectory: '/tmp',
        threads: 1,
      }),
    );
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toContain('/tmp/no-such-model.gguf');
    expect(error.message).toContain('language model');
    expect(error.hint).toContain('models.entries.gone.model');
  });
});

describe('createLanguageRuntime downloading a llama.cpp model', () => {
  let folder: string;

  beforeEach(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'quarry-language-runtime-'));
  });

  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('fails with an UpstreamError when the Hugging Face endpoint cannot be reached, leaving nothing behind', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const models = modelsConfig({
      entries: {
        qwen: {
          provider: 'llama-cpp',
          model: 'hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf',
        },
      },
    });
    const error = await rejection(
      createLanguageRuntime(resolveModel(models, 'qwen'), {
        models,
        modelsFolder: path.join(folder, 'models'),
        environment: { HF_ENDPOINT: `http://127.0.0.1:${port}` },
        threads: 1,
      }),
    );
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toMatch(
      /download of the language model qwen2\.5-0\.5b-instruct-q4_k_m\.gguf .* failed/,
    );
    expect(error.hint).toContain('models.entries.qwen.model');
    expect(await readdir(path.join(folder, 'models')).catch(() => [])).toEqual([]);
  });
});
