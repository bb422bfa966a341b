import * as path from 'node:path';
import { createLanguageRuntime } from '../adapters/ai-sdk/create-language-runtime.ts';
import type { QuarryConfig } from '../core/config.ts';
import { QuarryError } from '../core/errors/index.ts';
import type { Logger } from '../core/ports/logger.ts';
import { resolveModel } from '../models/model-registry.ts';
import type { ModelLease } from './app-dependencies.ts';

/** Language models kept open across requests, one per resolved name. */
export interface ModelPool {
  open(reference?: string): Promise<ModelLease>;
  close(): Promise<void>;
}

/** How long an in-process model that could not be obtained is reported as unavailable before retrying. */
const unavailableRetryMs = 60_000;

/**
 * Opens each model once and shares it between requests (loading a GGUF model or a client per request
 * would cost seconds). Concurrent first requests wait for the same load. An in-process model that cannot
 * be obtained (offline download, no llama.cpp) becomes a lease with the reason, so answers fall back to
 * the best passages; any other problem (unknown name, missing key) is an error for the caller.
 */
export function createModelPool(options: {
  config: QuarryConfig;
  environment: Record<string, string | undefined>;
  workingDirectory: string;
  logger: Logger;
  now?: () => number;
}): ModelPool {
  const now = options.now ?? Date.now;
  const leases = new Map<string, PooledLease>();
  const load = async (reference: string): Promise<ModelLease> => {
    const resolved = resolveModel(options.config.models, reference);
    try {
      return { runtime: await createLanguageRuntime(resolved, runtimeOptions(options)) };
    } catch (error) {
      if (resolved.entry.provider === 'llama-cpp' && QuarryError.is(error) && error.code === 'upstream') {
        options.logger.warn(
          { model: resolved.name },
          `model ${resolved.name} is unavailable: ${error.message}`,
        );
        return { runtime: undefined, reason: error.message };
      }
      throw error;
    }
  };
  return {
    open(reference = options.config.models.default) {
      const known = leases.get(reference);
      if (known && !(known.unavailable && now() - known.openedAt > unavailableRetryMs)) return known.lease;
      const entry: PooledLease = { lease: load(reference), openedAt: now(), unavailable: false };
      leases.set(reference, entry);
      entry.lease.then(
        (lease) => {
          entry.unavailable = lease.runtime === undefined;
        },
        // A failed open is not kept: the next request tries again (the key may have been fixed meanwhile).
        () => leases.delete(reference),
      );
      return entry.lease;
    },
    async close() {
      const opened = await Promise.allSettled([...leases.values()].map((entry) => entry.lease));
      leases.clear();
      for (const result of opened) if (result.status === 'fulfilled') await result.value.runtime?.close();
    },
  };
}

interface PooledLease {
  lease: Promise<ModelLease>;
  openedAt: number;
  /** The model could not be obtained; retried after `unavailableRetryMs`. */
  unavailable: boolean;
}

function runtimeOptions(options: {
  config: QuarryConfig;
  environment: Record<string, string | undefined>;
  workingDirectory: string;
  logger: Logger;
}) {
  const { config } = options;
  let reported = -1;
  return {
    models: config.models,
    modelsFolder: path.join(config.home, 'models'),
    environment: options.environment,
    workingDirectory: options.workingDirectory,
    threads: config.models.threads,
    logger: options.logger,
    // A server has no terminal for a bar: a log line every 10% of a model download.
    onDownloadProgress: (received: number, total: number | undefined) => {
      if (!total) return;
      const tenth = Math.floor((received / total) * 10);
      if (tenth > reported) {
        reported = tenth;
        options.logger.info({ received, total }, `downloading model: ${tenth * 10}%`);
      }
    },
    ...(config.aws.region ? { region: config.aws.region } : {}),
  };
}
