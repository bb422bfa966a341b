import type { DocumentWrite, SearchIndex } from '../core/ports/search-index.ts';

/** Documents (or chunks) gathered before one write transaction. */
const batchDocuments = 256;
const batchChunks = 4_000;

/**
 * Gathers finished documents and writes them in one transaction per batch: one commit per small file
 * would cost more than the writing itself. A killed run loses at most the batch in hand; what is written
 * is always whole documents.
 */
export class WriteBatcher {
  #pending: DocumentWrite[] = [];
  #chunks = 0;

  constructor(private readonly index: SearchIndex) {}

  /** Queues one document; writes the batch when it is full. */
  async add(write: DocumentWrite): Promise<void> {
    this.#pending.push(write);
    this.#chunks += write.chunks.length;
    if (this.#pending.length >= batchDocuments || this.#chunks >= batchChunks) await this.flush();
  }

  /** Writes whatever is queued. */
  async flush(): Promise<void> {
    const batch = this.#pending;
    this.#pending = [];
    this.#chunks = 0;
    if (batch.length > 0) await this.index.writeDocuments(batch);
  }
}
