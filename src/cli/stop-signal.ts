import type { Logger } from '../core/ports/logger.ts';

/** Lets a long-running command stop cleanly on SIGINT/SIGTERM. */
export interface StopSignal {
  /** Aborted on the first SIGINT or SIGTERM. */
  signal: AbortSignal;
  /** Waits `ms`; resolves `true` when the time passed, `false` when a stop was asked for. */
  sleep(ms: number): Promise<boolean>;
  /** Removes the signal handlers. */
  dispose(): void;
}

/**
 * The first SIGINT/SIGTERM aborts the run in progress (it cleans up and records itself as failed) and
 * ends the loop; a second one exits at once with 130.
 */
export function waitForStop(logger: Logger): StopSignal {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    logger.warn(
      { signal: name },
      'stopping: abandoning the run in progress cleanly (press Ctrl-C again to exit now)',
    );
    controller.abort(new Error(`Stopped by ${name}.`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    sleep: (ms) =>
      new Promise((resolve) => {
        if (controller.signal.aborted) return resolve(false);
        const onAbort = () => {
          clearTimeout(timer);
          resolve(false);
        };
        const timer = setTimeout(() => {
          controller.signal.removeEventListener('abort', onAbort);
          resolve(true);
        }, ms);
        controller.signal.addEventListener('abort', onAbort, { once: true });
      }),
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
