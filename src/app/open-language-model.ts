import * as path from 'node:path';
import { createLanguageRuntime } from '../adapters/ai-sdk/create-language-runtime.ts';
import type { ModelLease } from '../api/app-dependencies.ts';
import { QuarryError, UpstreamError } from '../core/errors/index.ts';
import type { LanguageRuntime } from '../core/ports/language-runtime.ts';
import { resolveModel } from '../models/model-registry.ts';
import type { Services } from './create-services.ts';

export type { ModelLease } from '../api/app-dependencies.ts';

/** Shows the download of an in-process model (a bar, log lines); called only when one is downloaded. */
export interface DownloadDisplay {
  update(receivedBytes: number, totalBytes: number | undefined): void;
  stop(): void;
}

/** Options of {@link openLanguageModel}. */
export interface OpenModelOptions {
  /** An entry name or `provider:model`; the configured default (`models.default`) when absent. */
  reference?: string;
  /** Return "no model, because …" instead of an error when an in-process model cannot be obtained. */
  allowRetrievalOnly: boolean;
  /** Makes the display of a model download, given the model's name. */
  downloadDisplay?: (modelName: string) => DownloadDisplay;
}

/**
 * Opens the model named by `reference` (or `models.default`). An in-process llama.cpp model is downloaded
 * on first use. When such a model cannot be obtained (no network for the download, or no usable llama.cpp
 * on this machine) and `allowRetrievalOnly` is set, the reason is returned instead of an error, so the
 * assistant can still show the best passages. Every other problem (an unknown name, a missing API key, a
 * local file that does not exist) is an error.
 */
export async function openLanguageModel(services: Services, options: OpenModelOptions): Promise<ModelLease> {
  const { config, surroundings } = services;
  const resolved = resolveModel(config.models, options.reference ?? config.models.default);
  const display = options.downloadDisplay?.(resolved.name);
  try {
    const runtime = await createLanguageRuntime(resolved, {
      models: config.models,
      modelsFolder: path.join(config.home, 'models'),
      environment: surroundings.environment,
      workingDirectory: surroundings.cwd,
      threads: config.models.threads,
      logger: services.logger,
      ...(display ? { onDownloadProgress: (received, total) => display.update(received, total) } : {}),
      ...(config.aws.region ? { region: config.aws.region } : {}),
    });
    return { runtime };
  } catch (error) {
    if (options.allowRetrievalOnly && resolved.entry.provider === 'llama-cpp' && isUnobtainable(error)) {
      return { runtime: undefined, reason: error.message };
    }
    throw error;
  } finally {
    display?.stop();
  }
}

/** A download that failed or a llama.cpp that cannot run here: "no model", not a mistake to report. */
function isUnobtainable(error: unknown): error is QuarryError {
  return QuarryError.is(error) && error.code === 'upstream';
}

/**
 * Opens the model for work that cannot do without one (code generation, cloud planning): like
 * {@link openLanguageModel}, but a model that cannot be obtained is an error.
 */
export async function openRequiredModel(
  services: Services,
  options: Omit<OpenModelOptions, 'allowRetrievalOnly'>,
): Promise<LanguageRuntime> {
  const opened = await openLanguageModel(services, { ...options, allowRetrievalOnly: false });
  if (opened.runtime === undefined)
    throw new UpstreamError(`No language model is available: ${opened.reason}`);
  return opened.runtime;
}
