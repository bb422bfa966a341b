import { getLlama, type Llama, LlamaLogLevel } from 'node-llama-cpp';
import { UpstreamError } from '../../core/errors/index.ts';
import type { Logger } from '../../core/ports/logger.ts';

/** What every in-process model is loaded with. */
export interface LlamaCppModelFileOptions {
  /** A local GGUF file (see `resolveModelFile`). */
  modelPath: string;
  /** CPU threads; default 2. llama.cpp crawls when it has more threads than the machine has cores. */
  threads?: number;
  /** Receives llama.cpp's log lines (warnings at `debug`, errors at `warn`); they are dropped otherwise. */
  logger?: Logger;
}

/** One user's hold on the shared llama.cpp instance. */
export interface LlamaLease {
  llama: Llama;
  /** Gives the hold back; the last one frees llama.cpp. Idempotent. */
  release(): Promise<void>;
}

/** The instance every model in this process shares, with its holders' loggers (newest used). */
interface SharedInstance {
  llama: Promise<Llama>;
  holders: number;
  loggers: Array<Logger | undefined>;
}

let shared: SharedInstance | undefined;

/**
 * Gives access to llama.cpp for CPU use, from the prebuilt binary that ships with node-llama-cpp: it never
 * compiles or downloads anything, so start-up stays fast and offline. One instance is shared by every model
 * in the process (an embedding model and a language model together): loading llama.cpp twice costs
 * seconds, and a second instance's log lines escape to the terminal. A machine without a usable binary
 * gets an `UpstreamError` carrying `hint` (what to configure instead). Log lines go to the newest holder's
 * `logger`.
 */
export async function acquireLlama(logger: Logger | undefined, hint: string): Promise<LlamaLease> {
  const instance = shared ?? startInstance(hint);
  shared = instance;
  instance.holders += 1;
  instance.loggers.push(logger);
  let llama: Llama;
  try {
    llama = await instance.llama;
  } catch (error) {
    await leave(instance, logger);
    throw error;
  }
  let released = false;
  return {
    llama,
    release: async () => {
      if (released) return;
      released = true;
      await leave(instance, logger);
    },
  };
}

function startInstance(hint: string): SharedInstance {
  const instance: SharedInstance = { holders: 0, loggers: [], llama: Promise.resolve(undefined as never) };
  instance.llama = getLlama({
    gpu: false,
    build: 'never',
    logLevel: LlamaLogLevel.warn,
    logger: (level, message) => forwardLog(instance.loggers.at(-1), level, message),
  }).catch((error: unknown) => {
    throw new UpstreamError(`llama.cpp could not be loaded on this machine: ${messageOf(error)}.`, {
      hint,
      cause: error,
    });
  });
  return instance;
}

async function leave(instance: SharedInstance, logger: Logger | undefined): Promise<void> {
  instance.holders -= 1;
  const position = instance.loggers.lastIndexOf(logger);
  if (position >= 0) instance.loggers.splice(position, 1);
  if (instance.holders > 0) return;
  if (shared === instance) shared = undefined;
  const llama = await instance.llama.catch(() => undefined);
  await llama?.dispose().catch(() => {});
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
