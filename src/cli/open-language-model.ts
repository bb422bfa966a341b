import * as path from 'node:path';
import { createLanguageRuntime } from '../adapters/ai-sdk/create-language-runtime.ts';
import { QuarryError, UpstreamError } from '../core/errors/index.ts';
import type { LanguageRuntime } from '../models/language-runtime.ts';
import { resolveModel } from '../models/model-registry.ts';
import type { CliIo } from './cli-context.ts';
import type { Services } from './create-services.ts';
import { createDownloadProgress } from './download-progress.ts';

/** A language model, or why there is none (only for an in-process model that could not be obtained). */
export type OpenedModel = { runtime: LanguageRuntime } | { runtime: undefined; reason: string };

/**
 * Opens the model named by `--model` (or `QUARRY_MODEL` / `models.default`). An in-process llama.cpp
 * model is downloaded on first use with a progress display. When such a model cannot be obtained (no
 * network for the download, or no usable llama.cpp on this machine) and `allowRetrievalOnly` is set,
 * the reason is returned instead of an error, so the assistant can still show the best passages. Every
 * other problem (an unknown name, a missing API key, a local file that does not exist) is an error.
 */
export async function openLanguageModel(
  services: Services,
  io: CliIo,
  options: { reference?: string; allowRetrievalOnly: boolean },
): Promise<OpenedModel> {
  const { config } = services;
  const resolved = resolveModel(config.models, options.reference ?? config.models.default);
  const progress = createDownloadProgress(`model ${resolved.name}`, io.interactive, io.stderr);
  // A progress bar redraws the bottom line; log lines written meanwhile (llama.cpp's) wait until it is done.
  const releaseLogs = io.interactive ? services.holdLogs() : () => {};
  try {
    const runtime = await createLanguageRuntime(resolved, {
      models: config.models,
      modelsFolder: path.join(config.home, 'models'),
      environment: io.environment,
      workingDirectory: io.cwd,
      threads: config.models.threads,
      logger: services.logger,
      onDownloadProgress: (received, total) => progress.update(received, total),
      ...(config.aws.region ? { region: config.aws.region } : {}),
    });
    return { runtime };
  } catch (error) {
    if (options.allowRetrievalOnly && resolved.entry.provider === 'llama-cpp' && isUnobtainable(error)) {
      return { runtime: undefined, reason: error.message };
    }
    throw error;
  } finally {
    progress.stop();
    releaseLogs();
  }
}

/** A download that failed or a llama.cpp that cannot run here: "no model", not a mistake to report. */
function isUnobtainable(error: unknown): error is QuarryError {
  return QuarryError.is(error) && error.code === 'upstream';
}

/**
 * Opens the model for a command that cannot do without one (code generation, cloud planning): like
 * {@link openLanguageModel}, but a model that cannot be obtained is an error. `reference` is `--model`.
 */
export async function openRequiredModel(
  services: Services,
  io: CliIo,
  reference: string | undefined,
): Promise<LanguageRuntime> {
  const opened = await openLanguageModel(services, io, {
    allowRetrievalOnly: false,
    ...(reference === undefined ? {} : { reference }),
  });
  if (opened.runtime === undefined)
    throw new UpstreamError(`No language model is available: ${opened.reason}`);
  return opened.runtime;
}
