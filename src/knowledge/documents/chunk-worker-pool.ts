import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { chunkDocument } from './chunk-document.ts';
import type { ChunkOptions, ParsedDocument } from './document-types.ts';

/** One document to chunk, as sent to a worker. */
export interface ChunkJob {
  id: number;
  input: Parameters<typeof chunkDocument>[0];
  options: ChunkOptions;
}

/** A worker's answer: the parsed document or the error's message. */
export type ChunkJobResult = { id: number; parsed: ParsedDocument } | { id: number; error: string };

/**
 * Quarry's source is TypeScript run through tsx, and a worker needs the same loader. On Node 20 a
 * worker's `--import` hooks do not apply to its own entry module, so the entry is a small ES module that
 * registers tsx first and then imports the real worker.
 */
function workerEntry(): URL {
  // The ES module build of tsx's API (`require.resolve` would give the CommonJS one).
  const tsxPackage = createRequire(import.meta.url).resolve('tsx/package.json');
  const tsxApi = pathToFileURL(path.join(path.dirname(tsxPackage), 'dist/esm/api/index.mjs')).href;
  const worker = new URL('./chunk-worker.ts', import.meta.url).href;
  const code = `import { register } from ${JSON.stringify(tsxApi)};\nregister();\nawait import(${JSON.stringify(worker)});\n`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

/**
 * Parses and chunks documents (`chunkDocument`) on worker threads, so that extracting HTML (a DOM,
 * Readability) runs beside the crawler's networking instead of between its requests, and a server's
 * event loop stays free while it crawls. Workers start on first use and are replaced if one dies.
 */
export class ChunkWorkerPool {
  readonly #workers: Array<Worker | undefined>;
  readonly #pending = new Map<
    number,
    { resolve: (parsed: ParsedDocument) => void; reject: (error: Error) => void; worker: Worker }
  >();
  #nextId = 0;
  #closed = false;

  /** `size` defaults to the cores left over by the main thread (at least one, at most two). */
  constructor(size = Math.max(1, Math.min(2, availableParallelism() - 1))) {
    this.#workers = Array.from({ length: size }, () => undefined);
  }

  /** Chunks one document on a worker; rejects with the worker's error message when it fails. */
  chunk(input: ChunkJob['input'], options: ChunkOptions): Promise<ParsedDocument> {
    if (this.#closed) return Promise.reject(new Error('The chunk worker pool is closed.'));
    const id = this.#nextId++;
    const slot = id % this.#workers.length;
    const worker = this.#worker(slot);
    // Referenced while it has work: a pending promise alone would not keep the process alive.
    worker.ref();
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, worker });
      worker.postMessage({ id, input, options } satisfies ChunkJob);
    });
  }

  /** Stops the workers; documents still being chunked are rejected. */
  async close(): Promise<void> {
    this.#closed = true;
    const workers = this.#workers.filter((worker): worker is Worker => worker !== undefined);
    this.#workers.fill(undefined);
    await Promise.all(workers.map((worker) => worker.terminate()));
    this.#failAll(new Error('The chunk worker pool was closed.'));
  }

  #worker(slot: number): Worker {
    const existing = this.#workers[slot];
    if (existing) return existing;
    const worker = new Worker(workerEntry());
    worker.on('message', (result: ChunkJobResult) => this.#settle(result));
    // 'error' is followed by 'exit'; either way the jobs sent to this worker (and only those: a
    // replacement may already have its own) fail once.
    const lost = (error: Error) => {
      if (this.#workers[slot] === worker) this.#workers[slot] = undefined;
      this.#failAll(error, worker);
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`A chunk worker stopped (exit code ${code}).`)));
    this.#workers[slot] = worker;
    return worker;
  }

  #settle(result: ChunkJobResult): void {
    const pending = this.#pending.get(result.id);
    if (!pending) return;
    this.#pending.delete(result.id);
    // An idle worker must not keep a finished command alive.
    if (![...this.#pending.values()].some((other) => other.worker === pending.worker)) {
      pending.worker.unref();
    }
    if ('error' in result) pending.reject(new Error(result.error));
    else pending.resolve(result.parsed);
  }

  #failAll(error: Error, worker?: Worker): void {
    for (const [id, pending] of this.#pending) {
      if (worker !== undefined && pending.worker !== worker) continue;
      this.#pending.delete(id);
      pending.reject(error);
    }
  }
}

let shared: ChunkWorkerPool | undefined;

/**
 * The process's pool: a worker costs a second or so to start (tsx, the DOM and Readability), so every
 * knowledge base shares one. Idle workers are unreferenced and never keep the process alive.
 */
export function sharedChunkWorkerPool(): ChunkWorkerPool {
  shared ??= new ChunkWorkerPool();
  return shared;
}
