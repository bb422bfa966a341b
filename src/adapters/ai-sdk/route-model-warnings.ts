import type { Logger } from '../../core/ports/logger.ts';

/**
 * Sends the AI SDK's warnings ("responseFormat is not supported" and the like) to Quarry's logger at
 * debug level, instead of the SDK's own `console.warn`, which would land in the middle of a command's
 * output. `--verbose` shows them. The SDK reads this setting from a global, so it is process-wide.
 */
export function routeModelWarnings(logger: Logger): void {
  globalThis.AI_SDK_LOG_WARNINGS = (options) => {
    for (const warning of options.warnings) {
      logger.debug({ provider: options.provider, model: options.model, warning }, 'model warning');
    }
  };
}
