import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../app/config/load-config.ts';
import { configSchema, resolveConfig } from '../core/config.ts';
import { defaultPrompts } from '../core/default-prompts.ts';
import { ValidationError } from '../core/errors/index.ts';
import { defaultLocalModel, type ModelsConfig, promptsFor } from '../core/model-config.ts';
import { builtInLocalEntry, configuredModels, resolveModel } from './model-registry.ts';

/** The `models` section of a configuration file holding `models`, with every zod default applied. */
function modelsConfig(models: Record<string, unknown> = {}): ModelsConfig {
  return resolveConfig([{ source: 'quarry.config.yaml', values: { models } }]).models;
}

function validationError(action: () => unknown): ValidationError {
  try {
    action();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

const entries = {
  ollama: {
    provider: 'openai-compatible',
    model: 'qwen2.5-coder:7b',
    baseURL: 'http://gpu.internal:11434/v1',
  },
  claude: { provider: 'bedrock', model: 'anthropic.claude-3-5-sonnet-20240620-v1:0', region: 'eu-west-1' },
};

describe('resolveModel', () => {
  it('resolves models.default, which is the built-in local model unless configured', () => {
    const models = modelsConfig();
    expect(models.default).toBe('local');
    expect(resolveModel(models)).toEqual({ name: 'local', entry: builtInLocalEntry, origin: 'built-in' });
    expect(builtInLocalEntry).toEqual({ provider: 'llama-cpp', model: defaultLocalModel });
  });

  it('resolves an entry name, given or as models.default, ignoring surrounding spaces', () => {
    const models = modelsConfig({ default: 'claude', entries });
    expect(resolveModel(models)).toEqual({ name: 'claude', entry: entries.claude, origin: 'configured' });
    expect(resolveModel(models, '  ollama ')).toEqual({
      name: 'ollama',
      entry: entries.ollama,
      origin: 'configured',
    });
    expect(resolveModel(models, 'local').origin).toBe('built-in');
  });

  it('resolves ad-hoc provider:model-id references, keeping further colons in the model id', () => {
    const models = modelsConfig({ entries });
    expect(resolveModel(models, 'bedrock:anthropic.claude-3-5-sonnet-20240620-v1:0')).toEqual({
      name: 'bedrock:anthropic.claude-3-5-sonnet-20240620-v1:0',
      entry: { provider: 'bedrock', model: 'anthropic.claude-3-5-sonnet-20240620-v1:0' },
      origin: 'ad-hoc',
    });
    expect(resolveModel(models, 'openai:gpt-4o-mini').entry).toEqual({
      provider: 'openai',
      model: 'gpt-4o-mini',
    });
    expect(resolveModel(models, 'llama-cpp:./models/tiny.gguf').entry).toEqual({
      provider: 'llama-cpp',
      model: './models/tiny.gguf',
    });
  });

  it('gives an ad-hoc openai-compatible reference models.baseURL (Ollama by default)', () => {
    expect(resolveModel(modelsConfig(), 'openai-compatible:qwen2.5-coder:7b').entry).toEqual({
      provider: 'openai-compatible',
      model: 'qwen2.5-coder:7b',
      baseURL: 'http://127.0.0.1:11434/v1',
    });
    const custom = modelsConfig({ baseURL: 'http://vllm.internal:8000/v1' });
    expect(resolveModel(custom, 'openai-compatible:llama3.2').entry).toMatchObject({
      baseURL: 'http://vllm.internal:8000/v1',
    });
  });

  it('prefers an entry whose name looks like a reference', () => {
    const models = modelsConfig({
      entries: { 'gpt-4o': { provider: 'openai', model: 'gpt-4o-2024-08-06' } },
    });
    expect(resolveModel(models, 'gpt-4o').entry.model).toBe('gpt-4o-2024-08-06');
  });

  it('rejects unknown names, listing the entries that exist and the providers', () => {
    const models = modelsConfig({ entries });
    for (const reference of ['gpt4', 'azure:gpt-4o', 'bedrock:', ':model', 'bedrock: ']) {
      const error = validationError(() => resolveModel(models, reference));
      expect(error.message).toBe(`There is no model called "${reference.trim()}".`);
      expect(error.hint).toContain('(ollama, claude, local)');
      expect(error.hint).toContain('bedrock, openai, openai-compatible, llama-cpp');
      expect(error.hint).toContain('quarry models list');
    }
  });
});

describe('configuredModels', () => {
  it('is the built-in local model alone when nothing is configured', () => {
    expect(configuredModels(modelsConfig())).toEqual([
      { name: 'local', entry: builtInLocalEntry, origin: 'built-in' },
    ]);
  });

  it('lists every entry in order, then the built-in local model', () => {
    expect(configuredModels(modelsConfig({ entries })).map(({ name, origin }) => [name, origin])).toEqual([
      ['ollama', 'configured'],
      ['claude', 'configured'],
      ['local', 'built-in'],
    ]);
  });

  it('lets an entry named local replace the built-in one', () => {
    const local = { provider: 'llama-cpp', model: './models/small.gguf', contextTokens: 2048 };
    const models = modelsConfig({ entries: { ...entries, local } });
    expect(configuredModels(models).map(({ name, origin }) => [name, origin])).toEqual([
      ['ollama', 'configured'],
      ['claude', 'configured'],
      ['local', 'configured'],
    ]);
    expect(resolveModel(models, 'local')).toEqual({ name: 'local', entry: local, origin: 'configured' });
    expect(resolveModel(models).entry).toEqual(local);
  });
});

describe('promptsFor', () => {
  it('is the default prompts when nothing is overridden', () => {
    const models = modelsConfig({ entries });
    expect(promptsFor(models, resolveModel(models, 'ollama').entry)).toEqual({
      ...defaultPrompts,
      fewShot: [],
    });
  });

  it("puts an entry's own templates over the global ones, which fill the gaps", () => {
    const fewShot = [{ user: 'Say hi', assistant: 'Hi.' }];
    const models = modelsConfig({
      prompts: { system: 'Global system.', rag: 'Global {{sources}} {{question}}', fewShot },
      entries: {
        ...entries,
        terse: {
          provider: 'openai-compatible',
          model: 'llama3.2',
          baseURL: 'http://127.0.0.1:11434/v1',
          prompts: { system: 'Terse system.', code: 'Only {{language}} code: {{instructions}}' },
        },
      },
    });
    expect(promptsFor(models, resolveModel(models, 'terse').entry)).toEqual({
      system: 'Terse system.',
      rag: 'Global {{sources}} {{question}}',
      condense: defaultPrompts.condense,
      code: 'Only {{language}} code: {{instructions}}',
      fewShot,
    });
    expect(promptsFor(models, resolveModel(models, 'claude').entry).system).toBe('Global system.');
  });

  it("lets an entry's few-shot examples replace the global ones, even with none", () => {
    const models = modelsConfig({
      prompts: { fewShot: [{ user: 'q', assistant: 'a' }] },
      entries: { plain: { provider: 'openai', model: 'gpt-4o-mini', prompts: { fewShot: [] } } },
    });
    expect(promptsFor(models, resolveModel(models, 'plain').entry).fewShot).toEqual([]);
  });
});

describe('the models section of the configuration', () => {
  it('has defaults for everything', () => {
    const models = configSchema.parse({}).models;
    expect(models).toMatchObject({
      default: 'local',
      entries: {},
      baseURL: 'http://127.0.0.1:11434/v1',
      contextTokens: 8192,
      maxOutputTokens: 1024,
      requestTimeoutMs: 120_000,
      threads: 2,
      retrievalK: 8,
      historyTurns: 6,
    });
    expect(models.prompts).toEqual({ ...defaultPrompts, fewShot: [] });
  });

  it('names the entry and field of a bad provider, and where it came from', () => {
    const error = validationError(() =>
      modelsConfig({ entries: { x: { provider: 'azure', model: 'gpt-4o' } } }),
    );
    expect(error.message).toContain(
      'models.entries.x.provider (from quarry.config.yaml): expected one of bedrock, openai, openai-compatible, llama-cpp',
    );
  });

  it('accepts baseUrl as a spelling of baseURL', () => {
    const models = modelsConfig({
      entries: {
        ollama: { provider: 'openai-compatible', model: 'llama3.2', baseUrl: 'http://127.0.0.1:11434/v1' },
      },
    });
    expect(models.entries.ollama).toEqual({
      provider: 'openai-compatible',
      model: 'llama3.2',
      baseURL: 'http://127.0.0.1:11434/v1',
    });
    expect(models.entries.ollama).not.toHaveProperty('baseUrl');
  });

  it('rejects unknown keys in an entry and in its prompts', () => {
    const typo = validationError(() =>
      modelsConfig({ entries: { x: { provider: 'openai', model: 'gpt-4o', temprature: 0.2 } } }),
    );
    expect(typo.message).toContain('models.entries.x');
    expect(typo.message).toContain('temprature');
    const prompt = validationError(() =>
      modelsConfig({ entries: { x: { provider: 'openai', model: 'gpt-4o', prompts: { sytem: 'Hi' } } } }),
    );
    expect(prompt.message).toContain('models.entries.x.prompts');
    expect(prompt.message).toContain('sytem');
  });

  it('rejects other bad entries with the field named', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ entries: { x: { provider: 'openai' } } }, 'models.entries.x.model'],
      [{ entries: { x: { provider: 'openai', model: '  ' } } }, 'models.entries.x.model'],
      [
        { entries: { x: { provider: 'openai', model: 'm', baseURL: 'ftp://h/v1' } } },
        'models.entries.x.baseURL',
      ],
      [
        { entries: { x: { provider: 'openai', model: 'm', temperature: 3 } } },
        'models.entries.x.temperature',
      ],
      [
        { entries: { x: { provider: 'openai', model: 'm', contextTokens: 0 } } },
        'models.entries.x.contextTokens',
      ],
      [{ entries: { 'bad name': { provider: 'openai', model: 'm' } } }, 'models.entries.bad name'],
      [{ threads: 65 }, 'models.threads'],
      [{ prompts: { rag: 'Answer {{question}} alone' } }, 'models.prompts.rag'],
      [
        { entries: { x: { provider: 'openai', model: 'm', prompts: { condense: 'no placeholders' } } } },
        'models.entries.x.prompts.condense',
      ],
    ];
    for (const [models, field] of cases) {
      expect(validationError(() => modelsConfig(models)).message, field).toContain(field);
    }
  });

  it('accepts numbers given as text, as the environment gives them', () => {
    const models = modelsConfig({
      contextTokens: '4096',
      entries: { x: { provider: 'openai', model: 'm', maxOutputTokens: '512' } },
    });
    expect(models.contextTokens).toBe(4096);
    expect(models.entries.x?.maxOutputTokens).toBe(512);
  });
});

describe('models settings from the environment', () => {
  let cwd: string;

  beforeEach(async () => {
    cwd = await mkdtemp(path.join(tmpdir(), 'quarry-models-'));
  });

  afterEach(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('takes models.default from QUARRY_MODEL and the other settings from their variables', () => {
    const { config } = loadConfig({
      cwd,
      environment: {
        QUARRY_MODEL: 'openai-compatible:qwen2.5-coder:7b',
        QUARRY_MODEL_BASE_URL: 'http://gpu.internal:11434/v1',
        QUARRY_MODEL_CONTEXT_TOKENS: '16384',
        QUARRY_MODEL_MAX_OUTPUT_TOKENS: '2048',
        QUARRY_MODEL_TIMEOUT_MS: '30000',
        QUARRY_MODEL_THREADS: '1',
      },
    });
    expect(config.models).toMatchObject({
      default: 'openai-compatible:qwen2.5-coder:7b',
      baseURL: 'http://gpu.internal:11434/v1',
      contextTokens: 16_384,
      maxOutputTokens: 2048,
      requestTimeoutMs: 30_000,
      threads: 1,
    });
    expect(resolveModel(config.models).entry).toEqual({
      provider: 'openai-compatible',
      model: 'qwen2.5-coder:7b',
      baseURL: 'http://gpu.internal:11434/v1',
    });
  });

  it('names the variable source of a bad value', () => {
    expect(() => loadConfig({ cwd, environment: { QUARRY_MODEL_THREADS: 'many' } })).toThrow(
      /models\.threads \(from environment\)/,
    );
  });

  it('ignores an empty QUARRY_MODEL', () => {
    expect(loadConfig({ cwd, environment: { QUARRY_MODEL: ' ' } }).config.models.default).toBe('local');
  });
});

describe('ad-hoc references with secrets', () => {
  it('keeps credentials and signed queries out of the model name', () => {
    const models = resolveConfig([]).models;
    const resolved = resolveModel(
      models,
      'llama-cpp:https://alice:s3cretPass@host.example/models/m.gguf?X-Amz-Signature=abc123',
    );
    expect(resolved.name).toBe('llama-cpp:https://host.example/…/m.gguf');
    expect(resolved.entry.model).toBe(
      'https://alice:s3cretPass@host.example/models/m.gguf?X-Amz-Signature=abc123',
    );
  });
});
