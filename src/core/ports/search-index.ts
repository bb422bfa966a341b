/** How a search ranks chunks: BM25 only, vectors only, or both fused by reciprocal rank. */
export type SearchMode = 'keyword' | 'vector' | 'hybrid';

/** What a document is and where it came from. A document is identified by source + version + path. */
export interface DocumentInput {
  /** `github:owner/name` for a synced repository, the `--source` name for local files, a site for crawls. */
  source: string;
  /** `owner/name` when the document comes from a synced repository. */
  repo?: string;
  /** Release tag or version label; `''` when the source has no versions. */
  version: string;
  /** Path inside the source (forward slashes, no leading slash), or the page path for a URL. */
  path: string;
  /** Lowercase language name (`typescript`, `markdown`, `html`, `pdf`, `text`, …). */
  language: string;
  url?: string;
  title?: string;
  /** SHA-256 (hex) of the file's bytes: unchanged files are recognised by it. */
  contentHash: string;
  byteSize: number;
}

/** One passage of a document. */
export interface ChunkInput {
  text: string;
  /** 1-based inclusive line range in the original file (pages for PDF). */
  startLine: number;
  endLine: number;
  /** Heading trail for Markdown, HTML and PDF; empty for code. */
  headingPath: string[];
}

/** A stored document, as listed by {@link SearchIndex.listDocuments}. */
export interface IndexedDocument {
  id: number;
  source: string;
  repo: string | null;
  version: string;
  path: string;
  language: string;
  contentHash: string;
  /** `false` once the document belongs to an archived version. */
  current: boolean;
  chunkCount: number;
}

/** Filters applied before ranking. Lists match any of their values; an absent field matches everything. */
export interface SearchFilters {
  sources?: string[];
  repos?: string[];
  versions?: string[];
  languages?: string[];
  /** A glob over document paths (`src/**\/*.ts`). */
  pathGlob?: string;
  /** Include chunks of archived versions (default: current versions only, unless `versions` is given). */
  includeArchived?: boolean;
}

/** A search as the index sees it; the query text is still raw user text. */
export interface SearchRequest {
  text: string;
  mode: SearchMode;
  /** How many hits to return. */
  limit: number;
  filters: SearchFilters;
  /** The query's embedding in the active vector space; required for `vector`, used by `hybrid`. */
  queryVector?: Float32Array;
}

/** One ranked chunk with everything needed to cite it. */
export interface SearchHit {
  chunkId: number;
  documentId: number;
  /** Higher is better; comparable only within one result list. */
  score: number;
  /** 1-based rank in the keyword and vector lists (absent when the chunk was not in that list). */
  keywordRank?: number;
  vectorRank?: number;
  source: string;
  repo: string | null;
  version: string;
  path: string;
  language: string;
  url: string | null;
  title: string | null;
  startLine: number;
  endLine: number;
  headingPath: string[];
  text: string;
}

/** A set of vectors made by one embedding model. */
export interface VectorSpace {
  /** The embedding model's key (see `embeddingKey`). */
  key: string;
  dimensions: number;
  /** `active` serves queries; `building` is being filled in the background until it takes over. */
  state: 'active' | 'building';
  /** Non-secret description of the model, kept so queries can still be embedded while a new space builds. */
  model: Record<string, unknown>;
  /** Chunks that have a vector in this space. */
  vectorCount: number;
}

/** Counts for `quarry status`. */
export interface IndexStats {
  documents: number;
  chunks: number;
  /** Bytes the index takes on disk (or in the database). */
  sizeBytes: number;
  sources: Array<{
    source: string;
    versions: string[];
    documents: number;
    chunks: number;
    /** The version of the source's last complete indexing run (`null` before one finished). */
    completedVersion: string | null;
  }>;
  vectorSpaces: VectorSpace[];
}

/** Options of {@link SearchIndex.writeDocument}. */
export interface WriteDocumentOptions {
  /** Vectors of the chunks, in order, for the given space. */
  vectors?: { spaceKey: string; values: Float32Array[] };
  /** A document this one replaces (an older version of the same file): deleted, or archived if `keepReplaced`. */
  replaces?: number;
  keepReplaced?: boolean;
}

/** One document to write with its chunks, as part of a batch. */
export interface DocumentWrite {
  document: DocumentInput;
  chunks: ChunkInput[];
  options?: WriteDocumentOptions;
}

/**
 * Chunks of documents, searchable by keywords (BM25) and by vectors, with filters.
 *
 * Contract (checked by `search-index.contract.ts`):
 * - `writeDocument` is atomic: a document and all its chunks (and given vectors) are stored together, or
 *   nothing changes. Writing a document at an existing source + version + path replaces it.
 *   `writeDocuments` writes a batch the same way in one transaction (all of it or none), which is much
 *   faster for many small documents; it returns the ids in order.
 * - New documents are current. `carryDocument` moves an unchanged document to another version without
 *   touching its chunks or vectors (or copies it when `keepOriginal`, the original then being archived).
 * - `search` never throws on query syntax: the text is treated as words, operators of the underlying
 *   engine have no effect, and a query with no words is a `ValidationError`. Filters apply before
 *   ranking, so `limit` hits are returned whenever that many matching chunks exist. Without
 *   `includeArchived` (or explicit `versions`), only current documents are searched.
 * - Hybrid ranking is reciprocal-rank fusion (k = 60) of the keyword and vector lists; with no
 *   `queryVector` or no active vector space, `hybrid` ranks by keywords alone and `vector` is a
 *   `ValidationError`.
 * - One vector space is active at a time; `activateVectorSpace` switches atomically and drops the others.
 */
export interface SearchIndex {
  writeDocument(
    document: DocumentInput,
    chunks: ChunkInput[],
    options?: WriteDocumentOptions,
  ): Promise<number>;
  /** Writes many documents in one transaction; returns their ids in order. */
  writeDocuments(writes: DocumentWrite[]): Promise<number[]>;
  /** Moves a document to `version`; with `keepOriginal` copies it instead and archives the original. */
  carryDocument(id: number, version: string, options?: { keepOriginal?: boolean }): Promise<number>;
  /** Marks documents as belonging to archived versions. */
  archiveDocuments(ids: number[]): Promise<void>;
  deleteDocuments(ids: number[]): Promise<void>;
  /** Documents of one source (optionally only current ones, or only those under some path prefixes). */
  listDocuments(filter: {
    source: string;
    currentOnly?: boolean;
    pathPrefixes?: string[];
  }): Promise<IndexedDocument[]>;
  search(request: SearchRequest): Promise<SearchHit[]>;

  /** Creates the space if missing (state `active` when no space is active yet, else `building`). */
  ensureVectorSpace(space: Pick<VectorSpace, 'key' | 'dimensions' | 'model'>): Promise<VectorSpace>;
  listVectorSpaces(): Promise<VectorSpace[]>;
  activateVectorSpace(key: string): Promise<void>;
  /** Chunks with no vector in the space yet, oldest first. */
  chunksWithoutVectors(spaceKey: string, limit: number): Promise<Array<{ chunkId: number; text: string }>>;
  storeVectors(spaceKey: string, vectors: Array<{ chunkId: number; vector: Float32Array }>): Promise<void>;

  /** Records that a run walked every file of `source` at `version` (an interrupted run does not). */
  recordCompletedRun(source: string, version: string): Promise<void>;
  stats(): Promise<IndexStats>;
  close(): Promise<void>;
}
