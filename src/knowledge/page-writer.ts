import { QuarryError } from '../core/errors/index.ts';
import type { IndexedDocument, SearchIndex } from '../core/ports/search-index.ts';
import { describeError } from '../core/redact.ts';
import { chunkDocument } from './documents/chunk-document.ts';
import { type Embedder, serialized } from './embedder.ts';
import { WriteBatcher } from './write-batcher.ts';

/** One fetched web page, its HTML already decoded to text. */
export interface WebPage {
  /** The document path in the source (the URL without its scheme). */
  path: string;
  url: string;
  html: string;
  /** SHA-256 (hex) of the page's bytes as served. */
  contentHash: string;
  byteSize: number;
}

/** What writing one page did. */
export interface PageWriteResult {
  outcome: 'new' | 'updated' | 'unchanged';
  /** Sections written (0 when unchanged). */
  chunks: number;
  title?: string;
  /** Set when the embedding model failed: the page is searchable by keywords until a later fill. */
  embeddingWarning?: string;
}

/** What {@link PageWriter} needs. */
export interface PageWriterOptions {
  index: SearchIndex;
  source: string;
  chunkCharacters: number;
  embedder?: Embedder;
  redact: (text: string) => string;
  /** Parses and chunks a page (`chunkDocument` on this thread when absent; a worker pool in practice). */
  chunk?: typeof chunkDocument;
}

/**
 * Writes crawled pages of one source into the index: a page whose content hash the index already holds
 * is left alone (not parsed, not embedded); a new or changed page is cut into sections at its headings
 * (Readability keeps the main text) and written with its URL and title. Writes are batched, so call
 * {@link PageWriter.flush} when the crawl ends.
 */
export class PageWriter {
  readonly #known: Map<string, Pick<IndexedDocument, 'id' | 'contentHash'>>;
  readonly #writes: WriteBatcher;
  readonly #embedder: Embedder | undefined;

  private constructor(
    private readonly options: PageWriterOptions,
    known: IndexedDocument[],
  ) {
    this.#known = new Map(known.map((document) => [document.path, document]));
    this.#writes = new WriteBatcher(options.index);
    this.#embedder = options.embedder ? serialized(options.embedder) : undefined;
  }

  /** Opens a writer over the documents the index holds for `options.source`. */
  static async open(options: PageWriterOptions): Promise<PageWriter> {
    const known = await options.index.listDocuments({ source: options.source, currentOnly: true });
    return new PageWriter(options, known);
  }

  /** Whether the index holds a document at `path` (with `contentHash`, when given). */
  holds(path: string, contentHash?: string | null): boolean {
    const document = this.#known.get(path);
    if (!document) return false;
    return contentHash === undefined || document.contentHash === contentHash;
  }

  /** Parses, embeds and queues one page, unless the index already holds these exact bytes. */
  async write(page: WebPage): Promise<PageWriteResult> {
    const existing = this.#known.get(page.path);
    if (existing?.contentHash === page.contentHash) return { outcome: 'unchanged', chunks: 0 };
    const parsed = await (this.options.chunk ?? chunkDocument)(
      { path: page.path, bytes: Buffer.from(page.html), language: 'html' },
      { maxCharacters: this.options.chunkCharacters },
    );
    const { vectors, warning } = await this.#embed(parsed.chunks.map((chunk) => chunk.text));
    await this.#writes.add({
      document: {
        source: this.options.source,
        version: '',
        path: page.path,
        language: 'html',
        url: page.url,
        ...(parsed.title ? { title: parsed.title } : {}),
        contentHash: page.contentHash,
        byteSize: page.byteSize,
      },
      chunks: parsed.chunks,
      options: vectors ? { vectors } : {},
    });
    // The id is only known after the batch is written; -1 marks "written in this run".
    this.#known.set(page.path, { id: existing?.id ?? -1, contentHash: page.contentHash });
    return {
      outcome: existing ? 'updated' : 'new',
      chunks: parsed.chunks.length,
      ...(parsed.title ? { title: parsed.title } : {}),
      ...(warning ? { embeddingWarning: warning } : {}),
    };
  }

  /** Removes the documents at `paths`; returns how many the index held. */
  async remove(paths: string[]): Promise<number> {
    await this.#writes.flush();
    const ids: number[] = [];
    const writtenThisRun: string[] = [];
    for (const path of paths) {
      const document = this.#known.get(path);
      if (!document) continue;
      if (document.id >= 0) ids.push(document.id);
      else writtenThisRun.push(path);
      this.#known.delete(path);
    }
    if (writtenThisRun.length > 0) ids.push(...(await this.#idsOf(writtenThisRun)));
    if (ids.length > 0) await this.options.index.deleteDocuments(ids);
    return ids.length;
  }

  /** Writes the pages still queued. */
  async flush(): Promise<void> {
    await this.#writes.flush();
  }

  /** Pages written in this run have no id in memory yet; look them up. */
  async #idsOf(paths: string[]): Promise<number[]> {
    const wanted = new Set(paths);
    const documents = await this.options.index.listDocuments({ source: this.options.source });
    return documents.filter((document) => wanted.has(document.path)).map((document) => document.id);
  }

  async #embed(
    texts: string[],
  ): Promise<{ vectors?: { spaceKey: string; values: Float32Array[] }; warning?: string }> {
    const embedder = this.#embedder;
    if (!embedder || texts.length === 0) return {};
    try {
      return { vectors: { spaceKey: embedder.spaceKey, values: await embedder.embed(texts) } };
    } catch (error) {
      // Keyword search still works; the missing vectors are filled by the next `quarry index`.
      if (!(error instanceof QuarryError)) throw error;
      return { warning: describeError(error, this.options.redact) };
    }
  }
}
