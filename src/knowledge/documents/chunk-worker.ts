// Runs `chunkDocument` off the main thread for `ChunkWorkerPool`: one message per document in, one out.
import { parentPort } from 'node:worker_threads';
import { chunkDocument } from './chunk-document.ts';
import type { ChunkJob, ChunkJobResult } from './chunk-worker-pool.ts';

parentPort?.on('message', async (job: ChunkJob) => {
  let reply: ChunkJobResult;
  try {
    reply = { id: job.id, parsed: await chunkDocument(job.input, job.options) };
  } catch (error) {
    reply = { id: job.id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(reply);
});
