import type { ModelLease } from '../api/app-dependencies.ts';
import type { Logger } from '../core/ports/logger.ts';
import type { Services } from './create-services.ts';
import { type DownloadDisplay, openLanguageModel } from './open-language-model.ts';

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
export function createModelPool(services: Services, options: { now?: () => number } = {}): ModelPool {
  const now = options.now ?? Date.now;
  const leases = new Map<string, PooledLease>();
  const load = async (reference: string): Promise<ModelLease> => {
    const lease = await openLanguageModel(services, {
      reference,
      allowRetrievalOnly: true,
      downloadDisplay: (name) => logDisplay(services.logger, name),
    });
    if (lease.runtime === undefined)
      services.logger.warn({ model: reference }, `model ${reference} is unavailable: ${lease.reason}`);
    return lease;
  };
  return {
    open(reference = services.config.models.default) {
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

/** A server has no terminal for a bar: a log line every 10% of a model download. */
function logDisplay(logger: Logger, modelName: string): DownloadDisplay {
  let reported = -1;
  return {
    update(received, total) {
      if (!total) return;
      const tenth = Math.floor((received / total) * 10);
      if (tenth <= reported) return;
      reported = tenth;
      logger.info({ received, total }, `downloading model ${modelName}: ${tenth * 10}%`);
    },
    stop() {},
  };
}
