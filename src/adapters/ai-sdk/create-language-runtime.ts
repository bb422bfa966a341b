import type { LanguageModelV3 } from '@ai-sdk/provider';
import { ValidationError } from '../../core/errors/index.ts';
import { estimateTokens } from '../../core/estimate-tokens.ts';
import type { ModelEntry, ModelsConfig } from '../../core/model-config.ts';
import { promptsFor, type ResolvedModel } from '../../core/model-config.ts';
import type { LanguageRuntime } from '../../core/ports/language-runtime.ts';
import type { Logger } from '../../core/ports/logger.ts';
import { createRedactor } from '../../core/redact.ts';
import { describeUrlSafely, redactUrlSecrets } from '../../core/safe-url.ts';
import { bedrockAuthentication } from './bedrock-credentials.ts';
import { fetchWithIdleTimeout } from './fetch-with-idle-timeout.ts';
import { guardLanguageModel } from './guard-language-model.ts';
import { splitUrlCredentials } from './split-url-credentials.ts';

/** Options of {@link createLanguageRuntime}; every side effect can be passed in. */
export interface CreateLanguageRuntimeOptions {
  models: ModelsConfig;
  /** Where llama-cpp models given as a URL are downloaded to: `<QUARRY_HOME>/models`. */
  modelsFolder: string;
  fetch?: typeof fetch;
  /**
   * Read for `OPENAI_API_KEY`, AWS credentials and endpoints, `AWS_REGION`, `HF_TOKEN` and `HF_ENDPOINT`.
   * Passed in by the composition root; the adapter never reads `process.env` itself.
   */
  environment: Record<string, string | undefined>;
  /** `aws.region`, used by Bedrock entries without their own region. */
  region?: string;
  /** Relative llama-cpp paths are resolved from here. Default the current working directory. */
  workingDirectory?: string;
  /** CPU threads for llama.cpp. Default 2. */
  threads?: number;
  logger?: Logger;
  /** Reports a model download: bytes so far and the total when known. */
  onDownloadProgress?: (receivedBytes: number, totalBytes: number | undefined) => void;
}

/** The context assumed for an openai-compatible entry without `contextTokens`. */
const openAiCompatibleContextTokens = 4096;

/** What each provider builder returns; the rest of the runtime is common. */
interface ProviderModel {
  model: LanguageModelV3;
  modelId: string;
  description: string;
  contextTokens?: number;
  countTokens?: (text: string) => number;
  close?: () => Promise<void>;
}

/**
 * Creates the language model for a resolved reference (see `resolveModel`). Each provider's SDK is
 * imported only when chosen. Missing settings are a `ValidationError` with a hint; nothing goes over the
 * network here except a llama-cpp model download. Secrets never appear in the description or in errors.
 */
export async function createLanguageRuntime(
  resolved: ResolvedModel,
  options: CreateLanguageRuntimeOptions,
): Promise<LanguageRuntime> {
  const { entry } = resolved;
  const built = await buildProviderModel(resolved, options);
  const contextTokens = entry.contextTokens ?? built.contextTokens ?? options.models.contextTokens;
  // A small local model may have a context shorter than the default answer length; keep room for sources.
  const maxOutputTokens = Math.min(
    entry.maxOutputTokens ?? options.models.maxOutputTokens,
    Math.floor(contextTokens / 2),
  );
  return {
    name: resolved.name,
    provider: entry.provider,
    modelId: built.modelId,
    description: built.description,
    model: built.model,
    contextTokens,
    maxOutputTokens,
    ...(entry.temperature === undefined ? {} : { temperature: entry.temperature }),
    countTokens: built.countTokens ?? estimateTokens,
    prompts: promptsFor(options.models, entry),
    close: built.close ?? (async () => {}),
  };
}

function buildProviderModel(
  resolved: ResolvedModel,
  options: CreateLanguageRuntimeOptions,
): Promise<ProviderModel> {
  const { environment } = options;
  const fetch = fetchWithIdleTimeout(options.fetch ?? globalThis.fetch, options.models.requestTimeoutMs);
  const context = { resolved, entry: resolved.entry, options, environment, fetch };
  switch (resolved.entry.provider) {
    case 'openai':
      return openAiModel(context);
    case 'openai-compatible':
      return openAiCompatibleModel(context);
    case 'bedrock':
      return bedrockModel(context);
    case 'llama-cpp':
      return llamaCppModel(context);
  }
}

interface BuildContext {
  resolved: ResolvedModel;
  entry: ModelEntry;
  options: CreateLanguageRuntimeOptions;
  environment: Record<string, string | undefined>;
  fetch: typeof fetch;
}

/** Where the entry is configured, for hints. */
function settingOf(resolved: ResolvedModel, field: string): string {
  return resolved.origin === 'configured'
    ? `models.entries.${resolved.name}.${field}`
    : `the ${field} of model ${resolved.name}`;
}

async function openAiModel({ resolved, entry, environment, fetch }: BuildContext): Promise<ProviderModel> {
  const apiKey = entry.apiKey ?? environment.OPENAI_API_KEY;
  if (!apiKey) {
    throw new ValidationError(`The OpenAI model ${resolved.name} needs an API key, and none is set.`, {
      hint: `Set ${settingOf(resolved, 'apiKey')} or OPENAI_API_KEY.`,
    });
  }
  const endpoint = entry.baseURL === undefined ? undefined : splitUrlCredentials(entry.baseURL);
  if (endpoint?.basic !== undefined) {
    throw new ValidationError(
      `The baseURL of the OpenAI model ${resolved.name} carries a user name and password.`,
      {
        hint: 'The openai provider authenticates with its API key; for a server behind Basic authentication use provider openai-compatible.',
      },
    );
  }
  const { createOpenAI } = await import('@ai-sdk/openai');
  // Always passed: the provider would otherwise read OPENAI_BASE_URL from process.env on its own.
  const baseURL = endpoint?.url ?? environment.OPENAI_BASE_URL ?? 'https://api.openai.com/v1';
  const provider = createOpenAI({
    apiKey,
    fetch,
    baseURL,
  });
  const redact = createRedactor([apiKey, endpoint?.password]);
  const where = describeUrlSafely(entry.baseURL ?? baseURL);
  return {
    // The chat-completions API, which every OpenAI-compatible server also speaks (not the Responses API).
    model: guardLanguageModel(provider.chat(entry.model), (text) =>
      redactUrlSecrets(redact(text), entry.baseURL ?? ''),
    ),
    modelId: entry.model,
    description: `openai model ${entry.model} at ${where}`,
  };
}

async function openAiCompatibleModel({ resolved, entry, fetch }: BuildContext): Promise<ProviderModel> {
  if (entry.baseURL === undefined) {
    throw new ValidationError(`The openai-compatible model ${resolved.name} needs a baseURL.`, {
      hint: `Set ${settingOf(resolved, 'baseURL')} to the /v1 URL of the server, e.g. http://127.0.0.1:11434/v1 for Ollama.`,
    });
  }
  const endpoint = splitUrlCredentials(entry.baseURL);
  const { createOpenAICompatible } = await import('@ai-sdk/openai-compatible');
  const provider = createOpenAICompatible({
    name: 'openai-compatible',
    baseURL: endpoint.url,
    fetch,
    includeUsage: true,
    ...(entry.apiKey === undefined ? {} : { apiKey: entry.apiKey }),
    // A proxy with Basic authentication in front of Ollama is common; the API key wins when both are set.
    ...(entry.apiKey === undefined && endpoint.basic !== undefined
      ? { headers: { authorization: `Basic ${endpoint.basic}` } }
      : {}),
  });
  const redact = createRedactor([entry.apiKey, endpoint.basic, endpoint.password]);
  return {
    model: guardLanguageModel(provider.chatModel(entry.model), (text) =>
      redactUrlSecrets(redact(text), entry.baseURL ?? ''),
    ),
    modelId: entry.model,
    description: `openai-compatible model ${entry.model} at ${describeUrlSafely(entry.baseURL)}`,
    // Ollama serves the OpenAI API with its own context (num_ctx), often 2048-4096, and silently drops the
    // start of longer prompts, so sources are packed for 4096 unless the entry says otherwise.
    contextTokens: openAiCompatibleContextTokens,
  };
}

async function bedrockModel({
  resolved,
  entry,
  options,
  environment,
  fetch,
}: BuildContext): Promise<ProviderModel> {
  const region = entry.region ?? options.region ?? environment.AWS_REGION ?? environment.AWS_DEFAULT_REGION;
  if (!region) {
    throw new ValidationError(
      `The Amazon Bedrock model ${resolved.name} needs an AWS region, and none is configured.`,
      {
        hint: `Set ${settingOf(resolved, 'region')}, aws.region or AWS_REGION, e.g. us-east-1.`,
      },
    );
  }
  const authentication = bedrockAuthentication(environment);
  const endpoint = environment.AWS_ENDPOINT_URL_BEDROCK_RUNTIME ?? environment.AWS_ENDPOINT_URL;
  const { createAmazonBedrock } = await import('@ai-sdk/amazon-bedrock');
  const provider = createAmazonBedrock({
    region,
    ...authentication.settings,
    fetch,
    ...(endpoint ? { baseURL: endpoint } : {}),
  });
  return {
    model: guardLanguageModel(provider(entry.model), createRedactor(authentication.secrets)),
    modelId: entry.model,
    description: `Amazon Bedrock model ${entry.model} in ${region}`,
  };
}

async function llamaCppModel({
  resolved,
  entry,
  options,
  environment,
}: BuildContext): Promise<ProviderModel> {
  const [{ resolveModelFile }, { LlamaCppLanguageModel }] = await Promise.all([
    import('../llama-cpp/resolve-model-file.ts'),
    import('../llama-cpp/llama-cpp-language-model.ts'),
  ]);
  const huggingFaceToken = environment.HF_TOKEN;
  const modelPath = await resolveModelFile(entry.model, {
    modelsFolder: options.modelsFolder,
    purpose: 'language model',
    setting:
      resolved.origin === 'built-in'
        ? 'QUARRY_MODEL (e.g. llama-cpp:/path/to/model.gguf)'
        : settingOf(resolved, 'model'),
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
    ...(options.workingDirectory === undefined ? {} : { workingDirectory: options.workingDirectory }),
    ...(huggingFaceToken ? { huggingFaceToken } : {}),
    ...(environment.HF_ENDPOINT ? { huggingFaceEndpoint: environment.HF_ENDPOINT } : {}),
    ...(options.onDownloadProgress === undefined ? {} : { onProgress: options.onDownloadProgress }),
  });
  const model = await LlamaCppLanguageModel.load({
    modelPath,
    threads: options.threads ?? 2,
    ...(entry.contextTokens === undefined ? {} : { contextSize: entry.contextTokens }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  return {
    model,
    modelId: model.modelId,
    description: `llama.cpp model ${model.modelId} (in-process, ${model.contextTokens}-token context)`,
    contextTokens: model.contextTokens,
    countTokens: (text) => model.countTokens(text),
    close: () => model.close(),
  };
}
