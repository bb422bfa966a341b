import { createHash } from 'node:crypto';
import { UpstreamError } from '../../core/errors/index.ts';
import type { ChunkInput, DocumentInput, SearchIndex } from '../../core/ports/search-index.ts';
import { chunkDocument } from '../documents/chunk-document.ts';
import type { BeirDocument } from './beir-dataset.ts';
import { defaultEmbeddingBatchSize, type EvaluationEmbedding } from './evaluation-embedding.ts';

/** The source name evaluation documents are stored under. */
export const beirSource = 'beir';

/** How many documents and chunks were written so far. */
export interface CorpusIndexingCounts {
  documents: number;
  chunks: number;
}

/** Options of {@link indexBeirCorpus}. */
export interface CorpusIndexingOptions {
  /** No chunk is longer than this many characters. */
  chunkCharacters: number;
  /** Given: every chunk also gets a vector in `embedding.spaceKey` (created on the first batch). */
  embedding?: EvaluationEmbedding;
  /** Stops between documents; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called after every batch of documents written. */
  onProgress?: (counts: CorpusIndexingCounts) => void;
}

/** A document ready to be written: its record, its chunks and the texts to embed for them. */
interface PreparedDocument {
  document: DocumentInput;
  chunks: ChunkInput[];
  embeddingTexts: string[];
}

/**
 * Writes a BEIR corpus into a search index, in batches of documents (source `beir`, the
 * corpus id as path, the title as title), its text cut into chunks of at most `chunkCharacters`. Reads
 * the corpus as it goes; with an embedding, at most one batch of documents is held for embedding.
 */
export async function indexBeirCorpus(
  index: SearchIndex,
  corpus: AsyncIterable<BeirDocument>,
  options: CorpusIndexingOptions,
): Promise<CorpusIndexingCounts> {
  const counts: CorpusIndexingCounts = { documents: 0, chunks: 0 };
  /** Counts a written batch and reports progress once for it. */
  const written = (batch: PreparedDocument[]) => {
    if (batch.length === 0) return;
    for (const prepared of batch) {
      counts.documents += 1;
      counts.chunks += prepared.chunks.length;
    }
    options.onProgress?.({ ...counts });
  };
  const embedder = options.embedding ? batchEmbedder(index, options.embedding) : undefined;
  // Without embeddings, documents are still written in batches: one transaction each is much faster.
  let plain: PreparedDocument[] = [];
  const flushPlain = async () => {
    const batch = plain;
    plain = [];
    await index.writeDocuments(
      batch.map((prepared) => ({ document: prepared.document, chunks: prepared.chunks })),
    );
    written(batch);
  };
  for await (const beirDocument of corpus) {
    options.signal?.throwIfAborted();
    const prepared = await prepareDocument(beirDocument, options.chunkCharacters);
    if (!embedder) {
      plain.push(prepared);
      if (plain.length >= plainBatchDocuments) await flushPlain();
      continue;
    }
    written(await embedder.add(prepared));
  }
  if (embedder) written(await embedder.flush());
  else await flushPlain();
  return counts;
}

/** Corpus documents written per transaction when nothing is embedded. */
const plainBatchDocuments = 512;

/** The document record and chunks of one corpus document. */
async function prepareDocument(
  beirDocument: BeirDocument,
  chunkCharacters: number,
): Promise<PreparedDocument> {
  const { id, title, text } = beirDocument;
  const bytes = Buffer.from(text, 'utf8');
  const document: DocumentInput = {
    source: beirSource,
    version: '',
    path: id,
    language: 'text',
    contentHash: createHash('sha256').update(title).update('\n').update(bytes).digest('hex'),
    byteSize: bytes.byteLength,
    ...(title === '' ? {} : { title }),
  };
  const parsed = await chunkDocument(
    { path: id, bytes, language: 'text' },
    { maxCharacters: chunkCharacters },
  );
  const chunks: ChunkInput[] = parsed.chunks.map((chunk) => ({
    text: chunk.text,
    startLine: chunk.startLine,
    endLine: chunk.endLine,
    headingPath: chunk.headingPath,
  }));
  // A document with a title but no text would otherwise have no chunk, and so could never be found.
  if (chunks.length === 0 && title.trim() !== '') {
    chunks.push({ text: title.slice(0, chunkCharacters), startLine: 1, endLine: 1, headingPath: [] });
  }
  // Embedding models see the title too, as BEIR's dense baselines do ("title text").
  const embeddingTexts = chunks.map((chunk) => (title === '' ? chunk.text : `${title}\n\n${chunk.text}`));
  return { document, chunks, embeddingTexts };
}

/** Collects documents until a batch of texts is full, embeds it in one call, then writes the documents. */
function batchEmbedder(index: SearchIndex, embedding: EvaluationEmbedding) {
  const batchSize = embedding.batchSize ?? defaultEmbeddingBatchSize;
  let pending: PreparedDocument[] = [];
  let pendingTexts = 0;
  let spaceReady = false;

  const flush = async (): Promise<PreparedDocument[]> => {
    const batch = pending;
    pending = [];
    pendingTexts = 0;
    const texts = batch.flatMap((prepared) => prepared.embeddingTexts);
    if (texts.length === 0) {
      await index.writeDocuments(
        batch.map((prepared) => ({ document: prepared.document, chunks: prepared.chunks })),
      );
      return batch;
    }
    const vectors = await embedInBatches(embedding, texts, batchSize);
    if (!spaceReady) {
      const dimensions = vectors[0]?.length ?? 0;
      await index.ensureVectorSpace({ key: embedding.spaceKey, dimensions, model: embedding.model ?? {} });
      spaceReady = true;
    }
    let offset = 0;
    const writes = batch.map((prepared) => {
      const values = vectors.slice(offset, offset + prepared.chunks.length);
      offset += prepared.chunks.length;
      return {
        document: prepared.document,
        chunks: prepared.chunks,
        options: { vectors: { spaceKey: embedding.spaceKey, values } },
      };
    });
    await index.writeDocuments(writes);
    return batch;
  };

  return {
    flush,
    async add(prepared: PreparedDocument): Promise<PreparedDocument[]> {
      pending.push(prepared);
      pendingTexts += prepared.embeddingTexts.length;
      return pendingTexts >= batchSize ? flush() : [];
    },
  };
}

/** Embeds `texts` in calls of at most `batchSize` (one document may have more chunks than a batch holds). */
async function embedInBatches(
  embedding: EvaluationEmbedding,
  texts: string[],
  batchSize: number,
): Promise<Float32Array[]> {
  const vectors: Float32Array[] = [];
  for (let start = 0; start < texts.length; start += batchSize) {
    const batch = texts.slice(start, start + batchSize);
    const embedded = await embedding.embed(batch);
    if (embedded.length !== batch.length) {
      throw new UpstreamError(
        `The embedding model returned ${embedded.length} vectors for ${batch.length} texts.`,
      );
    }
    vectors.push(...embedded);
  }
  return vectors;
}
