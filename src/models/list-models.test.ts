import { describe, expect, it } from 'vitest';
import { defaultLocalModel, modelsSchema } from '../core/model-config.ts';
import { listModels, type ModelRow } from './list-models.ts';
import type { BedrockModel, ModelFileState, ModelProbes, OllamaTag, ProbeListing } from './model-probes.ts';

const ollamaURL = 'http://127.0.0.1:11434/v1';
const gpuURL = 'http://gpu.local:8000/v1';

/** Scripted probes: each server, region and file answers as told; every call is recorded. */
function fakeProbes(script: {
  servers?: Record<string, ProbeListing<string>>;
  ollama?: Record<string, ProbeListing<OllamaTag>>;
  bedrock?: Record<string, ProbeListing<BedrockModel>>;
  files?: Record<string, ModelFileState>;
  gguf?: Array<{ path: string; sizeBytes: number }>;
}) {
  const calls: string[] = [];
  const unreachable = {
    ok: false as const,
    reason: 'unreachable',
    detail: 'could not connect (ECONNREFUSED)',
  };
  const probes: ModelProbes = {
    listServerModels: async (baseURL, apiKey) => {
      calls.push(`models ${baseURL} ${apiKey ?? '-'}`);
      return script.servers?.[baseURL] ?? unreachable;
    },
    listOllamaModels: async (baseURL, apiKey) => {
      calls.push(`tags ${baseURL} ${apiKey ?? '-'}`);
      return script.ollama?.[baseURL] ?? unreachable;
    },
    listBedrockModels: async (region) => {
      calls.push(`bedrock ${region}`);
      return (
        script.bedrock?.[region] ?? { ok: false, reason: 'no-credentials', detail: 'no AWS credentials' }
      );
    },
    locateModelFile: async (specification) => script.files?.[specification] ?? notThere(specification),
    listGgufFiles: async () => script.gguf ?? [],
  };
  return { probes, calls };
}

/** Like the real probe: a URL maps to a cache file named after it, without its query or credentials. */
function notThere(specification: string): ModelFileState {
  if (!/^(https?:|hf:)/.test(specification))
    return { source: 'path', path: `/work/${specification}`, sizeBytes: undefined };
  const name = specification.split('?')[0]?.split('/').at(-1) ?? 'model';
  return { source: 'download', path: `/home/models/${name}`, sizeBytes: undefined };
}

function row(rows: ModelRow[], name: string): ModelRow | undefined {
  return rows.find((candidate) => candidate.name === name);
}

const models = (values: Record<string, unknown>) => modelsSchema.parse(values);

describe('listModels: configured entries', () => {
  it('checks an openai-compatible entry against the model list of its server', async () => {
    const { probes } = fakeProbes({
      servers: { [gpuURL]: { ok: true, models: ['qwen2.5-coder:7b', 'llama3.2:latest'] } },
    });
    const config = models({
      default: 'coder',
      entries: {
        coder: { provider: 'openai-compatible', model: 'qwen2.5-coder:7b', baseURL: gpuURL },
        llama: { provider: 'openai-compatible', model: 'llama3.2', baseURL: gpuURL },
        missing: { provider: 'openai-compatible', model: 'mistral:7b', baseURL: gpuURL },
        down: { provider: 'openai-compatible', model: 'x', baseURL: 'http://127.0.0.1:9/v1' },
      },
    });
    const { rows } = await listModels({ models: config, probes });
    expect(row(rows, 'coder')).toEqual({
      name: 'coder',
      provider: 'openai-compatible',
      model: 'qwen2.5-coder:7b',
      origin: 'configured',
      isDefault: true,
      reachable: true,
      detail: 'listed by http://gpu.local:8000/…',
    });
    expect(row(rows, 'llama')).toMatchObject({ reachable: true, isDefault: false });
    expect(row(rows, 'missing')).toMatchObject({ reachable: false });
    expect(row(rows, 'missing')?.detail).toMatch(/^server up but model not pulled/);
    expect(row(rows, 'down')).toMatchObject({
      reachable: false,
      detail: 'http://127.0.0.1:9/…: could not connect (ECONNREFUSED)',
    });
  });

  it('asks each server once however many entries use it', async () => {
    const { probes, calls } = fakeProbes({ servers: { [gpuURL]: { ok: true, models: ['a', 'b'] } } });
    const config = models({
      entries: {
        a: { provider: 'openai-compatible', model: 'a', baseURL: gpuURL },
        b: { provider: 'openai-compatible', model: 'b', baseURL: gpuURL },
      },
    });
    await listModels({ models: config, probes });
    expect(calls.filter((call) => call.startsWith('models'))).toEqual([`models ${gpuURL} -`]);
  });

  it('needs an API key for openai, from the entry or OPENAI_API_KEY', async () => {
    const { probes, calls } = fakeProbes({
      servers: { 'https://api.openai.com/v1': { ok: true, models: ['gpt-4o-mini'] } },
    });
    const config = models({ entries: { gpt: { provider: 'openai', model: 'gpt-4o-mini' } } });
    const without = await listModels({ models: config, probes });
    expect(row(without.rows, 'gpt')).toMatchObject({
      reachable: false,
      detail: 'no API key: set models.entries.gpt.apiKey or OPENAI_API_KEY',
    });
    const withKey = await listModels({ models: config, probes, openAiApiKey: 'sk-env' });
    expect(row(withKey.rows, 'gpt')).toMatchObject({ reachable: true });
    expect(calls).toContain('models https://api.openai.com/v1 sk-env');
  });

  it('checks bedrock entries against the foundation models of their region', async () => {
    const nova: BedrockModel = { modelId: 'amazon.nova-micro-v1:0', onDemand: true };
    const claude: BedrockModel = { modelId: 'anthropic.claude-3-5-haiku-20241022-v1:0', onDemand: false };
    const { probes } = fakeProbes({ bedrock: { 'eu-west-1': { ok: true, models: [nova, claude] } } });
    const config = models({
      entries: {
        nova: { provider: 'bedrock', model: nova.modelId },
        profile: { provider: 'bedrock', model: `eu.${claude.modelId}` },
        gone: { provider: 'bedrock', model: 'amazon.titan-text-lite-v1' },
        elsewhere: { provider: 'bedrock', model: nova.modelId, region: 'ap-south-1' },
      },
    });
    const { rows } = await listModels({ models: config, probes, defaultRegion: 'eu-west-1' });
    expect(row(rows, 'nova')).toMatchObject({ reachable: true, detail: 'offered by Bedrock in eu-west-1' });
    expect(row(rows, 'profile')?.detail).toMatch(/through an inference profile/);
    expect(row(rows, 'gone')).toMatchObject({ reachable: false });
    expect(row(rows, 'elsewhere')).toMatchObject({ reachable: false, detail: 'no AWS credentials' });
    const noRegion = await listModels({ models: config, probes });
    expect(row(noRegion.rows, 'nova')?.detail).toMatch(/^no AWS region: set models\.entries\.nova\.region/);
  });

  it('checks llama-cpp files: present, missing, downloaded, not downloaded yet', async () => {
    const { probes } = fakeProbes({
      files: {
        'tiny.gguf': { source: 'path', path: '/work/tiny.gguf', sizeBytes: 1_048_576 },
        'hf:o/r/cached.gguf': { source: 'download', path: '/home/models/cached.1.gguf', sizeBytes: 2048 },
        [defaultLocalModel]: { source: 'download', path: '/home/models/qwen.gguf', sizeBytes: undefined },
      },
    });
    const config = models({
      entries: {
        tiny: { provider: 'llama-cpp', model: 'tiny.gguf' },
        lost: { provider: 'llama-cpp', model: 'lost.gguf' },
        cached: { provider: 'llama-cpp', model: 'hf:o/r/cached.gguf' },
      },
    });
    const { rows } = await listModels({ models: config, probes });
    expect(row(rows, 'tiny')).toMatchObject({
      reachable: true,
      detail: 'GGUF 1.0 MiB, local file; runs in-process',
    });
    expect(row(rows, 'lost')).toMatchObject({ reachable: false, detail: 'file not found: /work/lost.gguf' });
    expect(row(rows, 'cached')).toMatchObject({ reachable: true });
    expect(row(rows, 'local')).toMatchObject({
      origin: 'built-in',
      isDefault: true,
      reachable: false,
      detail: 'not downloaded yet: downloads on first use (needs network)',
    });
  });

  it('adds an ad-hoc models.default as a row, and notes one that names nothing', async () => {
    const { probes } = fakeProbes({ servers: { [ollamaURL]: { ok: true, models: ['phi3:mini'] } } });
    const adHoc = await listModels({ models: models({ default: 'openai-compatible:phi3:mini' }), probes });
    expect(row(adHoc.rows, 'openai-compatible:phi3:mini')).toMatchObject({
      origin: 'configured',
      isDefault: true,
      reachable: true,
    });
    expect(row(adHoc.rows, 'local')?.isDefault).toBe(false);
    const wrong = await listModels({ models: models({ default: 'nonsense' }), probes });
    expect(wrong.notes).toContain(
      'models.default "nonsense" names no configured entry and is not provider:model-id.',
    );
  });

  it('keeps secrets in model URLs out of the rows', async () => {
    const { probes } = fakeProbes({});
    const config = models({
      entries: { signed: { provider: 'llama-cpp', model: 'https://u:pw@cdn.example/m.gguf?sig=SECRETSIG' } },
    });
    const { rows } = await listModels({ models: config, probes });
    expect(row(rows, 'signed')?.model).toBe('https://cdn.example/m.gguf');
    expect(JSON.stringify(rows)).not.toMatch(/SECRETSIG|pw@/);
  });
});

describe('listModels: discovery', () => {
  it('adds Ollama tags, Bedrock models and GGUF files that are not configured', async () => {
    const { probes, calls } = fakeProbes({
      servers: { [ollamaURL]: { ok: true, models: ['llama3.2:latest'] } },
      ollama: {
        [ollamaURL]: {
          ok: true,
          models: [{ name: 'llama3.2:latest' }, { name: 'qwen2.5-coder:7b', parameterSize: '7.6B' }],
        },
        [gpuURL]: { ok: true, models: [{ name: 'mistral:7b' }] },
      },
      bedrock: {
        'us-east-1': {
          ok: true,
          models: [{ modelId: 'amazon.nova-micro-v1:0', modelName: 'Nova Micro', onDemand: true }],
        },
      },
      files: { [defaultLocalModel]: { source: 'download', path: '/home/models/qwen.gguf', sizeBytes: 100 } },
      gguf: [
        { path: '/home/models/qwen.gguf', sizeBytes: 100 },
        { path: '/home/models/extra.gguf', sizeBytes: 50 },
      ],
    });
    const config = models({
      entries: {
        llama: { provider: 'openai-compatible', model: 'llama3.2', baseURL: `${ollamaURL}/` },
        gpu: { provider: 'openai-compatible', model: 'other', baseURL: gpuURL, apiKey: 'sk-gpu' },
      },
    });
    const { rows, notes } = await listModels({ models: config, probes, defaultRegion: 'us-east-1' });
    const found = rows.filter((candidate) => candidate.origin === 'discovered');
    expect(found.map((candidate) => candidate.name)).toEqual([
      'openai-compatible:qwen2.5-coder:7b',
      'mistral:7b',
      'bedrock:amazon.nova-micro-v1:0',
      'llama-cpp:/home/models/extra.gguf',
    ]);
    expect(found.every((candidate) => candidate.reachable)).toBe(true);
    expect(row(rows, 'openai-compatible:qwen2.5-coder:7b')?.detail).toBe(
      'pulled in Ollama at http://127.0.0.1:11434/… (7.6B)',
    );
    expect(row(rows, 'mistral:7b')?.detail).toMatch(/server of entry gpu: add an entry to use it/);
    expect(row(rows, 'bedrock:amazon.nova-micro-v1:0')?.detail).toBe(
      'offered by Bedrock in us-east-1 (Nova Micro)',
    );
    expect(notes).toEqual([]);
    expect(calls.filter((call) => call.startsWith('tags'))).toEqual([
      `tags ${ollamaURL} -`,
      `tags ${gpuURL} sk-gpu`,
    ]);
  });

  it('notes sources that could not be searched instead of failing', async () => {
    const { probes } = fakeProbes({});
    const { rows, notes } = await listModels({ models: models({}), probes });
    expect(rows.map((candidate) => candidate.name)).toEqual(['local']);
    expect(notes).toEqual([
      'Ollama at http://127.0.0.1:11434/…: could not connect (ECONNREFUSED).',
      'Bedrock: not searched (no AWS region: set aws.region or AWS_REGION).',
    ]);
  });

  it('turns a probe that throws or never answers into an unreachable row', async () => {
    const { probes } = fakeProbes({});
    const broken: ModelProbes = {
      ...probes,
      listServerModels: () => new Promise(() => {}),
      listBedrockModels: async () => {
        throw new Error('credential chain exploded');
      },
      listGgufFiles: async () => {
        throw new Error('EACCES');
      },
    };
    const config = models({
      entries: {
        hung: { provider: 'openai-compatible', model: 'm', baseURL: gpuURL },
        aws: { provider: 'bedrock', model: 'amazon.nova-micro-v1:0', region: 'us-east-1' },
      },
    });
    const { rows } = await listModels({ models: config, probes: broken, timeoutMs: 50 });
    expect(row(rows, 'hung')).toMatchObject({
      reachable: false,
      detail: 'http://gpu.local:8000/…: no answer within 0.05 s',
    });
    expect(row(rows, 'aws')).toMatchObject({
      reachable: false,
      detail: 'the check failed: credential chain exploded',
    });
  });
});
