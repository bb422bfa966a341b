import { z } from 'zod';
import { defaultPrompts, type PromptTemplates } from './default-prompts.ts';

/** Where language models come from. */
export const languageProviders = ['bedrock', 'openai', 'openai-compatible', 'llama-cpp'] as const;

/** One of {@link languageProviders}. */
export type LanguageProvider = (typeof languageProviders)[number];

/** The small instruct model fetched on first use when no model is configured (Apache-2.0, ~0.5 GB). */
export const defaultLocalModel = 'hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF/qwen2.5-0.5b-instruct-q4_k_m.gguf';

/** The name of the built-in entry for {@link defaultLocalModel}. */
export const defaultModelEntry = 'local';

const positiveWhole = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() !== '' ? Number(value) : value),
  z.number().int().positive(),
);

/**
 * A template that must use `names`: a RAG template without `{{sources}}` would send no passages while
 * every `[n]` still passed the citation check, so such a config fails at start instead.
 */
const template = (...names: string[]) =>
  z
    .string()
    .min(1)
    .refine((text) => names.every((name) => new RegExp(`\\{\\{\\s*${name}\\s*\\}\\}`).test(text)), {
      error: `expected a template using ${names.map((name) => `{{${name}}}`).join(' and ')}`,
    });

const fewShotSchema = z.array(z.object({ user: z.string().min(1), assistant: z.string().min(1) }));

/** Templates (all optional here; the global ones fill the gaps). */
const promptOverridesSchema = z
  .object({
    system: z.string().min(1).optional(),
    rag: template('sources', 'question').optional(),
    condense: template('history', 'question').optional(),
    code: template('instructions').optional(),
    fewShot: fewShotSchema.optional(),
  })
  .strict();

/** Accepts `baseUrl` as a spelling of `baseURL`, since `knowledge.embedding` uses that one. */
const acceptBaseUrlSpelling = (value: unknown) => {
  if (typeof value !== 'object' || value === null || !('baseUrl' in value)) return value;
  const { baseUrl, ...rest } = value as Record<string, unknown>;
  return { baseURL: baseUrl, ...rest };
};

/** One named model in `models.entries`. */
export const modelEntrySchema = z.preprocess(
  acceptBaseUrlSpelling,
  z
    .object({
      provider: z.enum(languageProviders, {
        error: `expected one of ${languageProviders.join(', ')}`,
      }),
      /** Model id (`qwen2.5-coder:7b`, `anthropic.claude-3-5-sonnet-20240620-v1:0`) or, for llama-cpp, a GGUF path or URL. */
      model: z.string().trim().min(1),
      /** The `/v1` URL of an OpenAI-compatible server (openai-compatible; optional for openai). */
      baseURL: z.url({ protocol: /^https?$/ }).optional(),
      /** API key (openai, openai-compatible); never logged. For openai, `OPENAI_API_KEY` is the fallback. */
      apiKey: z.string().min(1).optional(),
      /** AWS region (bedrock); falls back to `aws.region`, then `AWS_REGION`. */
      region: z.string().min(1).optional(),
      /** The model's context window in tokens (prompt plus answer). */
      contextTokens: positiveWhole.optional(),
      /** The longest answer asked for, in tokens. */
      maxOutputTokens: positiveWhole.optional(),
      temperature: z.number().min(0).max(2).optional(),
      prompts: promptOverridesSchema.optional(),
    })
    .strict(),
);

/** One entry of `models.entries`, validated. */
export type ModelEntry = z.infer<typeof modelEntrySchema>;

/** The `models` section: named entries, the default, prompt templates and limits. */
export const modelsSchema = z
  .object({
    /** An entry name or `provider:model-id`; `QUARRY_MODEL` and `--model` override it. */
    default: z.string().trim().min(1).default(defaultModelEntry),
    entries: z
      .record(z.string().regex(/^[\w.-]+$/, 'entry names use letters, digits, . _ and -'), modelEntrySchema)
      .default({}),
    /** Base URL for ad-hoc `openai-compatible:<model>` references (Ollama's address by default). */
    baseURL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:11434/v1'),
    /** Context window assumed for remote models whose entry does not say. */
    contextTokens: positiveWhole.default(8192),
    /** Longest answer asked for unless an entry says otherwise. */
    maxOutputTokens: positiveWhole.default(1024),
    /** A model call that sends nothing for this long fails (the first token counts). */
    requestTimeoutMs: positiveWhole.default(120_000),
    /** CPU threads for in-process llama.cpp models; more threads than free cores makes llama.cpp crawl. */
    threads: positiveWhole.pipe(z.number().max(64)).default(2),
    /** Passages retrieved for each question before packing. */
    retrievalK: positiveWhole.pipe(z.number().max(100)).default(8),
    /** Earlier turns of a conversation sent with a follow-up question. */
    historyTurns: z
      .preprocess(
        (value) => (typeof value === 'string' ? Number(value) : value),
        z.number().int().min(0).max(50),
      )
      .default(6),
    prompts: z
      .object({
        system: z.string().min(1).default(defaultPrompts.system),
        rag: template('sources', 'question').default(defaultPrompts.rag),
        condense: template('history', 'question').default(defaultPrompts.condense),
        code: template('instructions').default(defaultPrompts.code),
        fewShot: fewShotSchema.default([]),
      })
      .prefault({}),
  })
  .prefault({});

/** The validated `models` section. */
export type ModelsConfig = z.infer<typeof modelsSchema>;

/** A model reference resolved to its settings. */
export interface ResolvedModel {
  /** The entry name, or the `provider:model-id` reference as given. */
  name: string;
  entry: ModelEntry;
  /** Where it came from: a `models.entries` entry, the built-in local default, or an ad-hoc reference. */
  origin: 'configured' | 'built-in' | 'ad-hoc';
}

/** The prompt templates for `entry`: `models.prompts` with the entry's own overrides on top. */
export function promptsFor(models: ModelsConfig, entry: ModelEntry): PromptTemplates {
  const overrides = entry.prompts ?? {};
  return {
    system: overrides.system ?? models.prompts.system,
    rag: overrides.rag ?? models.prompts.rag,
    condense: overrides.condense ?? models.prompts.condense,
    code: overrides.code ?? models.prompts.code,
    fewShot: overrides.fewShot ?? models.prompts.fewShot,
  };
}
