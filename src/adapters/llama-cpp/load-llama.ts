import { getLlama, type Llama, LlamaLogLevel } from 'node-llama-cpp';
import { UpstreamError } from '../../core/errors/index.ts';
import type { Logger } from '../../core/ports/logger.ts';

/**
 * Loads llama.cpp for CPU use from the prebuilt binary that ships with node-llama-cpp: it never compiles or
 * downloads anything, so start-up stays fast and offline. A machine without a usable binary gets an
 * `UpstreamError` carrying `hint` (what to configure instead). llama.cpp's own log lines go to `logger`.
 */
export async function loadLlama(logger: Logger | undefined, hint: string): Promise<Llama> {
  try {
    return await getLlama({
      gpu: false,
      build: 'never',
      logLevel: LlamaLogLevel.warn,
      logger: (level, message) => forwardLog(logger, level, message),
    });
  } catch (error) {
    throw new UpstreamError(`llama.cpp could not be loaded on this machine: ${messageOf(error)}.`, {
      hint,
      cause: error,
    });
  }
}

/**
 * Passes one llama.cpp log line to `logger`: errors at `warn` (they usually explain a failure that follows),
 * everything else at `debug` (llama.cpp is chatty about harmless metadata quirks).
 */
export function forwardLog(logger: Logger | undefined, level: LlamaLogLevel, message: string): void {
  if (logger === undefined) return;
  const line = message.trim();
  if (line === '') return;
  if (level === LlamaLogLevel.error || level === LlamaLogLevel.fatal)
    logger.warn({ source: 'llama.cpp' }, line);
  else logger.debug({ source: 'llama.cpp' }, line);
}

/** An error's message as one line without a final full stop, ready to embed in a sentence of our own. */
export function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+/g, ' ').trim().replace(/\.$/, '');
}
