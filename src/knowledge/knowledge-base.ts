import type { EmbeddingSettings, QuarryConfig } from '../core/config.ts';
import { NotFoundError, ValidationError } from '../core/errors/index.ts';
import type { Catalog, RepoRecord } from '../core/ports/catalog.ts';
import type { EmbeddingRuntime } from '../core/ports/embedding-runtime.ts';
import type { ObjectStore } from '../core/ports/object-store.ts';
import type { IndexStats, SearchIndex } from '../core/ports/search-index.ts';
import { parseRepoId } from '../core/repo-id.ts';
import { embedTexts } from '../models/embedding-runtime.ts';
import { currentPrefix } from '../sync/release-layout.ts';
import { sharedChunkWorkerPool } from './documents/chunk-worker-pool.ts';
import type { Embedder } from './embedder.ts';
import { indexFiles } from './index-files.ts';
import type { IndexReport } from './index-report.ts';
import { type KnowledgeStatus, knowledgeStatus } from './knowledge-status.ts';
import { localFiles, resolveLocalRoots } from './local-files.ts';
import { objectStoreFiles } from './object-store-files.ts';
import { PageWriter } from './page-writer.ts';
import {
  type KnowledgeSearchRequest,
  type KnowledgeSearchResult,
  searchKnowledge,
} from './search-knowledge.ts';
import { fillMissingVectors, vectorSpaceFor } from './vector-space-for.ts';

/** What the knowledge base is built from; the composition root picks the adapters. */
export interface KnowledgeBaseDependencies {
  index: SearchIndex;
  store: ObjectStore;
  catalog: Catalog;
  settings: QuarryConfig['knowledge'];
  /** Opens an embedding model (`undefined` for provider `none`). */
  openEmbedding: (settings: EmbeddingSettings) => Promise<EmbeddingRuntime | undefined>;
  /** Removes secrets from text that reaches reports. */
  redact: (text: string) => string;
}

/** Progress and cancellation of a long run. */
export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: (path: string, report: IndexReport) => void;
}

/** The source name of a synced repository's documents. */
export function repositorySource(repoId: string): string {
  return `github:${repoId}`;
}

/**
 * Indexing, searching and reporting on the knowledge base. The configured embedding model is opened
 * once, on first need; with none configured everything works on keywords alone.
 */
export class KnowledgeBase {
  #runtime: Promise<EmbeddingRuntime | undefined> | undefined;
  readonly #opened: EmbeddingRuntime[] = [];

  constructor(private readonly dependencies: KnowledgeBaseDependencies) {}

  /** Indexes the `current/` version of one synced repository. */
  async indexRepository(repo: RepoRecord, options: RunOptions = {}): Promise<IndexReport> {
    if (!repo.version) {
      throw new NotFoundError(`${repo.id} has no synced version to index yet.`, {
        hint: `Run quarry sync --repo ${repo.id} first.`,
      });
    }
    const prefix = currentPrefix(parseRepoId(repo.id), repo.version);
    return this.#run(
      { source: repositorySource(repo.id), repo: repo.id, version: repo.version },
      objectStoreFiles(this.dependencies.store, prefix),
      options,
    );
  }

  /** Indexes local files and folders under the source name `source`. */
  async ingest(paths: string[], source: string, workingFolder: string, options: RunOptions = {}) {
    if (paths.length === 0) throw new ValidationError('Name at least one file or folder to ingest.');
    if (source.startsWith('github:')) {
      throw new ValidationError(`The source name ${source} is reserved for synced repositories.`, {
        hint: 'Choose another --source name, e.g. --source handbook.',
      });
    }
    const roots = resolveLocalRoots(paths, workingFolder);
    return this.#run(
      { source, version: '', pathPrefixes: roots.map((root) => root.indexPath) },
      localFiles(roots),
      options,
    );
  }

  /** A writer for crawled web pages of `source` (see {@link PageWriter}). */
  async openPageWriter(source: string): Promise<PageWriter> {
    if (source.startsWith('github:')) {
      throw new ValidationError(`The source name ${source} is reserved for synced repositories.`, {
        hint: 'Choose another --source name, e.g. --source docs.',
      });
    }
    const embedder = await this.#embedder();
    const pool = sharedChunkWorkerPool();
    return PageWriter.open({
      chunk: (input, options) => pool.chunk(input, options),
      index: this.dependencies.index,
      source,
      chunkCharacters: this.dependencies.settings.chunkCharacters,
      redact: this.dependencies.redact,
      ...(embedder ? { embedder } : {}),
    });
  }

  /** Searches with the configured (or the index's active) embedding model for vector and hybrid modes. */
  async search(request: KnowledgeSearchRequest): Promise<KnowledgeSearchResult> {
    return searchKnowledge(
      { index: this.dependencies.index, embedQuery: (text) => this.#embedQuery(text) },
      request,
    );
  }

  /** What is indexed, with which model, and what is still pending. */
  /** Counts from the index alone (no embedding model is opened): cheap enough for health checks. */
  async indexStats(): Promise<IndexStats> {
    return this.dependencies.index.stats();
  }

  async status(): Promise<KnowledgeStatus> {
    const runtime = await this.#configuredRuntime().catch(() => undefined);
    return knowledgeStatus({
      index: this.dependencies.index,
      catalog: this.dependencies.catalog,
      configuredModel: runtime ? { key: runtime.key, description: runtime.description } : undefined,
    });
  }

  /** Embeds chunks that lack a vector for the configured model; switches spaces when one is complete. */
  async fillVectors(options: { signal?: AbortSignal; onProgress?: (embedded: number) => void } = {}) {
    const embedder = await this.#embedder();
    if (!embedder) return 0;
    return fillMissingVectors(this.dependencies.index, embedder, {
      batchSize: this.dependencies.settings.embedding.batchSize,
      ...options,
    });
  }

  /** Releases models and the index. */
  async close(): Promise<void> {
    await Promise.allSettled(this.#opened.map((runtime) => runtime.close()));
    await this.dependencies.index.close();
  }

  async #run(
    scope: Parameters<typeof indexFiles>[0]['scope'],
    files: AsyncIterable<import('./source-file.ts').SourceFile>,
    options: RunOptions,
  ): Promise<IndexReport> {
    const { settings } = this.dependencies;
    const embedder = await this.#embedder();
    return indexFiles({
      index: this.dependencies.index,
      files,
      scope,
      maxFileBytes: settings.maxFileBytes,
      chunkCharacters: settings.chunkCharacters,
      keepArchivedVersions: settings.keepArchivedVersions,
      redact: this.dependencies.redact,
      ...(embedder ? { embedder } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  }

  #configuredRuntime(): Promise<EmbeddingRuntime | undefined> {
    this.#runtime ??= this.dependencies
      .openEmbedding(this.dependencies.settings.embedding)
      .then((runtime) => {
        if (runtime) this.#opened.push(runtime);
        return runtime;
      });
    return this.#runtime;
  }

  async #embedder(): Promise<Embedder | undefined> {
    const runtime = await this.#configuredRuntime();
    if (!runtime) return undefined;
    const { embedder } = await vectorSpaceFor(
      this.dependencies.index,
      runtime,
      this.dependencies.settings.embedding,
    );
    return embedder;
  }

  /** Embeds a query with the model of the active space: the configured one, or the one it replaces. */
  async #embedQuery(text: string): Promise<Float32Array | undefined> {
    const active = (await this.dependencies.index.listVectorSpaces()).find(
      (space) => space.state === 'active',
    );
    if (!active || active.vectorCount === 0) return undefined;
    const configured = await this.#configuredRuntime();
    let runtime = configured?.key === active.key ? configured : undefined;
    if (!runtime) {
      const settings = {
        ...(active.model as EmbeddingSettings),
        ...(this.dependencies.settings.embedding.apiKey
          ? { apiKey: this.dependencies.settings.embedding.apiKey }
          : {}),
      };
      runtime = await this.dependencies.openEmbedding(settings);
      if (runtime) this.#opened.push(runtime);
    }
    if (!runtime) return undefined;
    const [vector] = await embedTexts(runtime, [text], { batchSize: 1 });
    return vector;
  }
}
