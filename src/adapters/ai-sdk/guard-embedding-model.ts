import type { EmbeddingModelV3, SharedV3ProviderOptions } from '@ai-sdk/provider';
import { wrapEmbeddingModel } from 'ai';
import type { Redactor } from '../../core/redact.ts';
import { redactModelError as redactError } from './redact-model-error.ts';

/** Options of {@link guardEmbeddingModel}. */
export interface GuardEmbeddingModelOptions {
  /** Provider options added to every call, e.g. `{ openaiCompatible: { dimensions: 256 } }`. */
  providerOptions?: SharedV3ProviderOptions;
  /** Removes the adapter's secrets (API key, credentials, URL secrets) from error text. */
  redact: Redactor;
}

/**
 * Wraps an AI SDK embedding model so that it always sends the configured provider options and never lets
 * a secret out through an error: a server that echoes the API key or a request URL with a token in its
 * error body would otherwise put it into messages and logs. Status, headers and `isRetryable` are kept,
 * so `embedMany` still retries and honours `Retry-After`.
 */
export function guardEmbeddingModel(
  model: EmbeddingModelV3,
  options: GuardEmbeddingModelOptions,
): EmbeddingModelV3 {
  const extraOptions = options.providerOptions;
  return wrapEmbeddingModel({
    model,
    middleware: {
      specificationVersion: 'v3',
      transformParams: async ({ params }) =>
        extraOptions === undefined
          ? params
          : { ...params, providerOptions: { ...params.providerOptions, ...extraOptions } },
      wrapEmbed: async ({ doEmbed }) => {
        try {
          return await doEmbed();
        } catch (error) {
          throw redactError(error, options.redact);
        }
      },
    },
  });
}
