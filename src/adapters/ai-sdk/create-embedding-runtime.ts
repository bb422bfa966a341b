import type { EmbeddingSettings } from '../../core/config.ts';
import { ValidationError } from '../../core/errors/index.ts';
import { type EmbeddingRuntime, embeddingKey } from '../../core/ports/embedding-runtime.ts';
import type { Logger } from '../../core/ports/logger.ts';
import { createRedactor } from '../../core/redact.ts';
import { describeUrlSafely, redactUrlSecrets } from '../../core/safe-url.ts';
import { bedrockEmbeddingOptions } from './bedrock-embedding-options.ts';
import { fetchWithTimeout } from './fetch-with-timeout.ts';
import { guardEmbeddingModel } from './guard-embedding-model.ts';
import { type SplitUrl, splitUrlCredentials } from './split-url-credentials.ts';

/** Options of {@link createEmbeddingRuntime}; every side effect can be passed in. */
export interface CreateEmbeddingRuntimeOptions {
  /** Where llama-cpp models given as a URL are downloaded to, e.g. `<QUARRY_HOME>/models`. */
  modelsFolder: string;
  fetch?: typeof fetch;
  /**
   * Read for AWS credentials (`AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`,
   * `AWS_BEARER_TOKEN_BEDROCK`), `AWS_REGION`, `AWS_ENDPOINT_URL_BEDROCK_RUNTIME` and `HF_TOKEN`. Passed
   * in by the composition root; the adapter never reads `process.env` itself.
   */
  environment: Record<string, string | undefined>;
  /** AWS region for Bedrock (`aws.region`); falls back to `AWS_REGION`. */
  region?: string;
  /** Per HTTP request to an embedding endpoint, until the answer's headers. Default 120 000. */
  requestTimeoutMs?: number;
  /** Relative llama-cpp model paths are resolved from here. Default the current working directory. */
  workingDirectory?: string;
  /** CPU threads for llama.cpp. Default 2 (more threads than cores makes llama.cpp crawl). */
  threads?: number;
  /** Receives llama.cpp's own log lines. */
  logger?: Logger;
}

/** What every provider builder gets: the settings with a model, and resolved options. */
interface Build {
  settings: EmbeddingSettings;
  model: string;
  key: string;
  fetch: typeof fetch;
  environment: Record<string, string | undefined>;
  options: CreateEmbeddingRuntimeOptions;
}

/**
 * Creates the embedding model named by `settings` (`knowledge.embedding`), or `undefined` for provider
 * `none`. Each provider's SDK is imported only when chosen. Missing or contradictory settings are a
 * `ValidationError` with a hint; nothing is sent over the network here except a llama-cpp model download.
 * Secrets (the API key, AWS credentials) never appear in the runtime's key, description or errors.
 */
export async function createEmbeddingRuntime(
  settings: EmbeddingSettings,
  options: CreateEmbeddingRuntimeOptions,
): Promise<EmbeddingRuntime | undefined> {
  const key = embeddingKey(settings);
  if (key === undefined) return undefined;
  const build: Build = {
    settings,
    model: settings.model?.trim() ?? '',
    key,
    fetch: fetchWithTimeout(options.fetch ?? globalThis.fetch, options.requestTimeoutMs ?? 120_000),
    environment: options.environment,
    options,
  };
  switch (settings.provider) {
    case 'openai-compatible':
      return openAiCompatibleRuntime(build);
    case 'bedrock':
      return bedrockRuntime(build);
    case 'llama-cpp':
      return llamaCppRuntime(build);
    default:
      return undefined;
  }
}

const noResources = async (): Promise<void> => {};

async function openAiCompatibleRuntime(build: Build): Promise<EmbeddingRuntime> {
  const { settings } = build;
  const endpoint = parseBaseUrl(settings.baseUrl);
  const apiKey = settings.apiKey;
  const { createOpenAICompatible } = await import('@ai-sdk/openai-compatible');
  const provider = createOpenAICompatible({
    name: 'openai-compatible',
    baseURL: endpoint.url,
    fetch: build.fetch,
    ...(apiKey === undefined ? {} : { apiKey }),
    // A proxy with Basic authentication in front of Ollama is common; the API key wins when both are set.
    ...(apiKey === undefined && endpoint.basic !== undefined
      ? { headers: { authorization: `Basic ${endpoint.basic}` } }
      : {}),
  });
  const baseUrl = settings.baseUrl ?? '';
  const redactSecrets = createRedactor([apiKey, endpoint.basic, endpoint.password]);
  const model = guardEmbeddingModel(provider.embeddingModel(build.model), {
    redact: (text) => redactUrlSecrets(redactSecrets(text), baseUrl),
    ...(settings.dimensions === undefined
      ? {}
      : { providerOptions: { openaiCompatible: { dimensions: settings.dimensions } } }),
  });
  return {
    key: build.key,
    description: `openai-compatible model ${build.model} at ${describeUrlSafely(baseUrl)}`,
    model,
    close: noResources,
  };
}

/** The base URL without userinfo (fetch refuses credentials in URLs), and that userinfo as Basic credentials. */
function parseBaseUrl(baseUrl: string | undefined): SplitUrl {
  if (baseUrl === undefined) {
    throw new ValidationError(
      'knowledge.embedding.baseUrl is required when knowledge.embedding.provider is openai-compatible.',
      {
        hint: 'Set knowledge.embedding.baseUrl (or QUARRY_EMBEDDING_BASE_URL) to the /v1 URL of the endpoint, e.g. http://127.0.0.1:11434/v1 for Ollama.',
      },
    );
  }
  const parsed = URL.canParse(baseUrl) ? new URL(baseUrl) : undefined;
  if (parsed === undefined || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new ValidationError('knowledge.embedding.baseUrl is not an http:// or https:// URL.', {
      hint: 'Set knowledge.embedding.baseUrl to the /v1 URL of the endpoint, e.g. http://127.0.0.1:11434/v1.',
    });
  }
  return splitUrlCredentials(parsed.href);
}

async function bedrockRuntime(build: Build): Promise<EmbeddingRuntime> {
  const { environment } = build;
  const region = build.options.region ?? environment.AWS_REGION ?? environment.AWS_DEFAULT_REGION;
  if (!region) {
    throw new ValidationError('Amazon Bedrock needs an AWS region, and none is configured.', {
      hint: 'Set aws.region or AWS_REGION, e.g. us-east-1.',
    });
  }
  const credentials = bedrockCredentials(environment);
  const providerOptions = bedrockEmbeddingOptions(build.model, build.settings.dimensions);
  const endpoint = environment.AWS_ENDPOINT_URL_BEDROCK_RUNTIME ?? environment.AWS_ENDPOINT_URL;
  const { createAmazonBedrock } = await import('@ai-sdk/amazon-bedrock');
  const provider = createAmazonBedrock({
    region,
    ...credentials,
    fetch: build.fetch,
    ...(endpoint ? { baseURL: endpoint } : {}),
  });
  const redact = createRedactor([credentials.secretAccessKey, credentials.sessionToken, credentials.apiKey]);
  const model = guardEmbeddingModel(provider.embeddingModel(build.model), {
    redact,
    ...(providerOptions === undefined ? {} : { providerOptions }),
  });
  return {
    key: build.key,
    description: `Amazon Bedrock model ${build.model} in ${region}`,
    model,
    close: noResources,
  };
}

interface BedrockCredentials {
  apiKey: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
}

/**
 * Credentials from `environment` only. The SDK would otherwise fall back to `process.env` itself, so the
 * API key is always passed: an empty one means "sign with SigV4".
 */
function bedrockCredentials(environment: Record<string, string | undefined>): BedrockCredentials {
  const apiKey = environment.AWS_BEARER_TOKEN_BEDROCK?.trim() ?? '';
  const accessKeyId = environment.AWS_ACCESS_KEY_ID;
  const secretAccessKey = environment.AWS_SECRET_ACCESS_KEY;
  const sessionToken = environment.AWS_SESSION_TOKEN;
  if (accessKeyId && secretAccessKey) {
    return { apiKey, accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
  }
  if (apiKey !== '') return { apiKey };
  throw new ValidationError('Amazon Bedrock needs AWS credentials, and none were found in the environment.', {
    hint: 'Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (plus AWS_SESSION_TOKEN for temporary credentials), or AWS_BEARER_TOKEN_BEDROCK.',
  });
}

async function llamaCppRuntime(build: Build): Promise<EmbeddingRuntime> {
  if (build.settings.dimensions !== undefined) {
    throw new ValidationError('An in-process llama.cpp model cannot change its number of dimensions.', {
      hint: "Remove knowledge.embedding.dimensions; the model's own vector size is used.",
    });
  }
  const [{ resolveModelFile }, { LlamaCppEmbeddingModel }] = await Promise.all([
    import('../llama-cpp/resolve-model-file.ts'),
    import('../llama-cpp/llama-cpp-embedding-model.ts'),
  ]);
  const { options } = build;
  const huggingFaceToken = build.environment.HF_TOKEN;
  const modelPath = await resolveModelFile(build.model, {
    modelsFolder: options.modelsFolder,
    // Not the timed fetch: a model download may take far longer than one embedding request.
    fetch: options.fetch ?? globalThis.fetch,
    ...(options.workingDirectory === undefined ? {} : { workingDirectory: options.workingDirectory }),
    ...(huggingFaceToken ? { huggingFaceToken } : {}),
  });
  const model = await LlamaCppEmbeddingModel.load({
    modelPath,
    threads: options.threads ?? 2,
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
  return {
    key: build.key,
    description: `llama.cpp model ${model.modelId} (in-process, ${model.dimensions} dimensions)`,
    model,
    close: () => model.close(),
  };
}
