import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import picomatch from 'picomatch';
import * as sqliteVec from 'sqlite-vec';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors/index.ts';
import type {
  ChunkInput,
  DocumentInput,
  DocumentWrite,
  IndexedDocument,
  IndexStats,
  SearchHit,
  SearchIndex,
  SearchRequest,
  VectorSpace,
  WriteDocumentOptions,
} from '../../core/ports/search-index.ts';
import { identifierParts, queryTerms } from '../../core/search/query-terms.ts';
import { applySqliteMigrations } from './sqlite-migrations.ts';
import { searchIndexMigrations } from './sqlite-search-migrations.ts';
import { ftsMatch, type KeywordMatch, onlyCurrentFilter, rankedQuery } from './sqlite-search-sql.ts';
import { translateSqliteError } from './translate-sqlite-error.ts';

/** Indexes with at least this many chunks drop very common words from keyword queries. */
const largeIndexChunks = 200_000;
/** A word in more than this share of chunks counts as very common. */
const commonTermShare = 0.02;

/** How deep each ranked list goes before reciprocal-rank fusion. */
const fusionDepth = 100;

/** Options of {@link createSqliteSearchIndex}. */
export interface SqliteSearchIndexOptions {
  /** The database file; its folder is created when missing. */
  path: string;
  clock?: () => Date;
  /** From this many chunks on, rarer query words pick candidates (default 200,000; lower in tests). */
  largeIndexChunks?: number;
}

interface SpaceRow {
  id: number;
  key: string;
  dimensions: number;
  state: 'active' | 'building';
  model: string;
}

interface HitRow extends Omit<SearchHit, 'headingPath' | 'keywordRank' | 'vectorRank'> {
  headingPath: string;
  keywordRank: number | null;
  vectorRank: number | null;
}

/**
 * Opens (creating when missing) a search index in one SQLite file: FTS5 (BM25, Porter stemming) for
 * keywords, sqlite-vec distance functions for vectors, both ranked and fused in one SQL statement.
 */
export function createSqliteSearchIndex(options: SqliteSearchIndexOptions): SearchIndex {
  fs.mkdirSync(path.dirname(options.path), { recursive: true });
  const database = openDatabase(options.path);
  try {
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    // 64 MiB of page cache (the default is 2 MiB): FTS5 merges its segments through it while writing.
    database.pragma('cache_size = -65536');
    sqliteVec.load(database);
    registerPathMatcher(database);
    applySqliteMigrations(database, {
      scope: 'search-index',
      migrations: searchIndexMigrations,
      clock: options.clock ?? (() => new Date()),
    });
    return new SqliteSearchIndex(
      database,
      options.path,
      options.clock ?? (() => new Date()),
      options.largeIndexChunks ?? largeIndexChunks,
    );
  } catch (error) {
    database.close();
    throw translateSqliteError(error, options.path);
  }
}

function openDatabase(databasePath: string): Database.Database {
  try {
    return new Database(databasePath, { timeout: 5_000 });
  } catch (error) {
    throw translateSqliteError(error, databasePath);
  }
}

/** `path_matches(glob, path)`: globs compiled once per statement value, not once per row. */
function registerPathMatcher(database: Database.Database): void {
  const compiled = new Map<string, RegExp>();
  database.function('path_matches', { deterministic: true }, (glob: unknown, value: unknown) => {
    const pattern = String(glob);
    let matcher = compiled.get(pattern);
    if (!matcher) {
      matcher = picomatch.makeRe(pattern, { dot: true });
      compiled.set(pattern, matcher);
    }
    return matcher.test(String(value)) ? 1 : 0;
  });
}

function vectorTable(spaceId: number): string {
  return `vectors_${spaceId}`;
}

function vectorBytes(vector: Float32Array): Buffer {
  return Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);
}

class SqliteSearchIndex implements SearchIndex {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(
    private readonly database: Database.Database,
    private readonly file: string,
    private readonly clock: () => Date,
    private readonly largeIndex: number,
  ) {}

  async writeDocument(
    document: DocumentInput,
    chunks: ChunkInput[],
    options: WriteDocumentOptions = {},
  ): Promise<number> {
    const [id] = await this.writeDocuments([{ document, chunks, options }]);
    return id as number;
  }

  async writeDocuments(batch: DocumentWrite[]): Promise<number[]> {
    const prepared = batch.map((entry) => ({ ...entry, space: this.checkedVectorSpace(entry) }));
    // One transaction for the batch: FTS5 flushes its pending terms at every commit, so committing per
    // small document costs several times the writing itself.
    const write = this.database.transaction(() =>
      prepared.map(({ document, chunks, options = {}, space }) => {
        const existing = this.findDocumentId(document.source, document.version, document.path);
        if (existing !== undefined) this.removeDocuments([existing]);
        if (options.replaces !== undefined && options.replaces !== existing) {
          if (options.keepReplaced) this.markArchived([options.replaces]);
          else this.removeDocuments([options.replaces]);
        }
        const documentId = this.insertDocument(document);
        const chunkIds = this.insertChunks(documentId, document, chunks);
        if (space && options.vectors) this.insertVectors(space, chunkIds, options.vectors.values);
        return documentId;
      }),
    );
    return this.run(() => write.immediate());
  }

  /** The vector space a write names, after checking it has one vector per chunk. */
  private checkedVectorSpace({ document, chunks, options }: DocumentWrite): SpaceRow | undefined {
    if (!options?.vectors) return undefined;
    if (options.vectors.values.length !== chunks.length) {
      throw new ValidationError(
        `Got ${options.vectors.values.length} vectors for ${chunks.length} chunks of ${document.path}.`,
      );
    }
    return this.requireSpace(options.vectors.spaceKey);
  }

  async carryDocument(
    id: number,
    version: string,
    options: { keepOriginal?: boolean } = {},
  ): Promise<number> {
    const carry = this.database.transaction(() => {
      const original = this.statement<[number], { source: string; path: string }>(
        'SELECT source, path FROM documents WHERE id = ?',
      ).get(id);
      if (!original) throw new NotFoundError(`No indexed document has id ${id}.`);
      const occupant = this.findDocumentId(original.source, version, original.path);
      if (occupant === id) return id;
      if (occupant !== undefined) this.removeDocuments([occupant]);
      if (!options.keepOriginal) {
        this.statement('UPDATE documents SET version = ?, is_current = 1 WHERE id = ?').run(version, id);
        this.statement('UPDATE chunks SET version = ?, is_current = 1 WHERE document_id = ?').run(
          version,
          id,
        );
        return id;
      }
      const copyId = this.copyDocument(id, version);
      this.markArchived([id]);
      return copyId;
    });
    return this.run(() => carry.immediate());
  }

  async archiveDocuments(ids: number[]): Promise<void> {
    this.run(() => this.database.transaction(() => this.markArchived(ids)).immediate());
  }

  async deleteDocuments(ids: number[]): Promise<void> {
    this.run(() => this.database.transaction(() => this.removeDocuments(ids)).immediate());
  }

  async listDocuments(filter: {
    source: string;
    currentOnly?: boolean;
    pathPrefixes?: string[];
  }): Promise<IndexedDocument[]> {
    const rows = this.statement<unknown[], Omit<IndexedDocument, 'current'> & { current: number }>(
      `SELECT d.id, d.source, d.repo, d.version, d.path, d.language, d.content_hash AS contentHash,
           d.is_current AS current,
           (SELECT count(*) FROM chunks c WHERE c.document_id = d.id) AS chunkCount
         FROM documents d WHERE d.source = ? ${filter.currentOnly ? 'AND d.is_current = 1' : ''}
         ORDER BY d.path, d.version`,
    ).all(filter.source);
    const prefixes = filter.pathPrefixes;
    return rows
      .filter((row) => !prefixes || prefixes.some((prefix) => isUnder(row.path, prefix)))
      .map((row) => ({ ...row, current: row.current === 1 }));
  }

  async search(request: SearchRequest): Promise<SearchHit[]> {
    const terms = queryTerms(request.text);
    if (!Number.isInteger(request.limit) || request.limit < 1) {
      throw new ValidationError(
        `The number of results must be a whole number of at least 1, not ${request.limit}.`,
      );
    }
    const vector = request.mode === 'keyword' ? undefined : this.queryVector(request);
    if (request.mode === 'vector' && !vector) {
      throw new ValidationError('Vector search needs an embedding model, and none has indexed vectors yet.', {
        hint: 'Configure knowledge.embedding and run quarry index, or search with --mode keyword.',
      });
    }
    const depth = request.mode === 'hybrid' && vector ? Math.max(fusionDepth, request.limit) : request.limit;
    const unfiltered =
      onlyCurrentFilter(request.filters) && (request.filters.includeArchived === true || !this.hasArchived());
    const query = rankedQuery({
      filters: request.filters,
      ...(request.mode === 'vector' ? {} : { keywords: this.keywordMatch(terms, depth) }),
      ...(vector ? { vector } : {}),
      limit: request.limit,
      depth,
      unfiltered,
    });
    const rows = this.run(() => this.statement<unknown[], HitRow>(query.sql).all(...query.values));
    return rows.map(toHit);
  }

  async ensureVectorSpace(space: Pick<VectorSpace, 'key' | 'dimensions' | 'model'>): Promise<VectorSpace> {
    const ensure = this.database.transaction(() => {
      const existing = this.spaceRow(space.key);
      if (existing) {
        if (existing.dimensions !== space.dimensions) {
          throw new ConflictError(
            `Vector space ${space.key} holds ${existing.dimensions}-dimension vectors, not ${space.dimensions}.`,
            { hint: 'Set knowledge.embedding.dimensions back, or change the model so a new space is built.' },
          );
        }
        return;
      }
      const active = this.statement("SELECT 1 FROM vector_spaces WHERE state = 'active'").get();
      const inserted = this.statement(
        'INSERT INTO vector_spaces (key, dimensions, state, model, created_at) VALUES (?, ?, ?, ?, ?)',
      ).run(
        space.key,
        space.dimensions,
        active ? 'building' : 'active',
        JSON.stringify(space.model),
        this.now(),
      );
      this.database.exec(
        `CREATE TABLE ${vectorTable(Number(inserted.lastInsertRowid))} (
           chunk_id INTEGER PRIMARY KEY, embedding BLOB NOT NULL) STRICT`,
      );
    });
    this.run(() => ensure.immediate());
    const spaces = await this.listVectorSpaces();
    return spaces.find((candidate) => candidate.key === space.key) as VectorSpace;
  }

  async listVectorSpaces(): Promise<VectorSpace[]> {
    const rows = this.statement<[], SpaceRow>('SELECT * FROM vector_spaces ORDER BY id').all();
    return rows.map((row) => ({
      key: row.key,
      dimensions: row.dimensions,
      state: row.state,
      model: JSON.parse(row.model) as Record<string, unknown>,
      vectorCount: (this.statement(`SELECT count(*) AS n FROM ${vectorTable(row.id)}`).get() as { n: number })
        .n,
    }));
  }

  async activateVectorSpace(key: string): Promise<void> {
    const activate = this.database.transaction(() => {
      const target = this.requireSpace(key);
      const others = this.statement<[number], { id: number }>(
        'SELECT id FROM vector_spaces WHERE id != ?',
      ).all(target.id);
      for (const other of others) {
        this.database.exec(`DROP TABLE ${vectorTable(other.id)}`);
        this.statement('DELETE FROM vector_spaces WHERE id = ?').run(other.id);
      }
      this.statement("UPDATE vector_spaces SET state = 'active' WHERE id = ?").run(target.id);
    });
    this.run(() => activate.immediate());
  }

  async chunksWithoutVectors(
    spaceKey: string,
    limit: number,
  ): Promise<Array<{ chunkId: number; text: string }>> {
    const space = this.requireSpace(spaceKey);
    return this.statement<[number], { chunkId: number; text: string }>(
      `SELECT c.id AS chunkId, c.text FROM chunks c
         WHERE NOT EXISTS (SELECT 1 FROM ${vectorTable(space.id)} v WHERE v.chunk_id = c.id)
         ORDER BY c.id LIMIT ?`,
    ).all(limit);
  }

  async storeVectors(
    spaceKey: string,
    vectors: Array<{ chunkId: number; vector: Float32Array }>,
  ): Promise<void> {
    const space = this.requireSpace(spaceKey);
    const store = this.database.transaction(() => {
      this.insertVectors(
        space,
        vectors.map((entry) => entry.chunkId),
        vectors.map((entry) => entry.vector),
      );
    });
    this.run(() => store.immediate());
  }

  async recordCompletedRun(source: string, version: string): Promise<void> {
    this.run(() =>
      this.statement(
        `INSERT INTO completed_runs (source, version, completed_at) VALUES (?, ?, ?)
         ON CONFLICT (source) DO UPDATE SET version = excluded.version, completed_at = excluded.completed_at`,
      ).run(source, version, this.now()),
    );
  }

  async stats(): Promise<IndexStats> {
    const count = (sql: string) => (this.statement(sql).get() as { n: number }).n;
    const sources = this.statement<
      [],
      { source: string; versions: string; documents: number; chunks: number; completedVersion: string | null }
    >(
      `SELECT d.source, json_group_array(DISTINCT d.version) AS versions, count(*) AS documents,
           sum((SELECT count(*) FROM chunks c WHERE c.document_id = d.id)) AS chunks,
           (SELECT r.version FROM completed_runs r WHERE r.source = d.source) AS completedVersion
         FROM documents d GROUP BY d.source ORDER BY d.source`,
    ).all();
    return {
      documents: count('SELECT count(*) AS n FROM documents'),
      chunks: count('SELECT count(*) AS n FROM chunks'),
      sizeBytes: fileSize(this.file) + fileSize(`${this.file}-wal`),
      sources: sources.map((row) => ({ ...row, versions: JSON.parse(row.versions) as string[] })),
      vectorSpaces: await this.listVectorSpaces(),
    };
  }

  async close(): Promise<void> {
    if (this.database.open) this.database.close();
  }

  private hasArchived(): boolean {
    return this.statement('SELECT 1 FROM chunks WHERE is_current = 0 LIMIT 1').get() !== undefined;
  }

  /**
   * In a large index, a query word found in more than 2% of chunks makes FTS5 score every chunk holding
   * it, which dominates query time. When rarer words remain, only chunks holding a rarer word are ranked
   * (with the exact BM25 of all the words), as Lucene's common-terms query does. Small indexes, and
   * queries whose rarer words match fewer chunks than asked for, rank every match.
   */
  private keywordMatch(terms: string[], depth: number): KeywordMatch {
    const match = ftsMatch(terms);
    if (terms.length < 2) return { match };
    const size = (this.statement('SELECT max(id) AS n FROM chunks').get() as { n: number | null }).n ?? 0;
    if (size < this.largeIndex) return { match };
    const common = Math.ceil(size * commonTermShare);
    const counter = this.statement<[string, number], { n: number }>(
      'SELECT count(*) AS n FROM (SELECT 1 FROM chunks_fts WHERE chunks_fts MATCH ? LIMIT ?)',
    );
    const counts = terms.map((term) => counter.get(ftsMatch([term]), common)?.n ?? 0);
    const rare = terms.filter((_, position) => (counts[position] as number) < common);
    const rareMatches = counts.filter((count) => count < common).reduce((sum, count) => sum + count, 0);
    // Too few chunks hold a rare word to fill the list: only an exact ranking of every match can.
    if (rare.length === 0 || rare.length === terms.length || rareMatches < depth) return { match };
    const commonTerms = terms.filter((term) => !rare.includes(term));
    return { match, split: { rare: ftsMatch(rare), common: ftsMatch(commonTerms) } };
  }

  private queryVector(request: SearchRequest): { table: string; value: Buffer } | undefined {
    if (!request.queryVector) return undefined;
    const active = this.statement<[], SpaceRow>("SELECT * FROM vector_spaces WHERE state = 'active'").get();
    if (!active) return undefined;
    if (active.dimensions !== request.queryVector.length) {
      throw new ValidationError(
        `The query vector has ${request.queryVector.length} dimensions; the index's vectors have ${active.dimensions}.`,
        { hint: 'Embed the query with the model of the active vector space (see quarry status).' },
      );
    }
    return { table: vectorTable(active.id), value: vectorBytes(request.queryVector) };
  }

  private findDocumentId(source: string, version: string, documentPath: string): number | undefined {
    const row = this.statement<[string, string, string], { id: number }>(
      'SELECT id FROM documents WHERE source = ? AND version = ? AND path = ?',
    ).get(source, version, documentPath);
    return row?.id;
  }

  private insertDocument(document: DocumentInput): number {
    const result = this.statement(
      `INSERT INTO documents (source, repo, version, path, language, url, title, content_hash, byte_size,
           is_current, indexed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)`,
    ).run(
      document.source,
      document.repo ?? null,
      document.version,
      document.path,
      document.language,
      document.url ?? null,
      document.title ?? null,
      document.contentHash,
      document.byteSize,
      this.now(),
    );
    return Number(result.lastInsertRowid);
  }

  private insertChunks(documentId: number, document: DocumentInput, chunks: ChunkInput[]): number[] {
    const insert = this.statement(
      `INSERT INTO chunks (document_id, ordinal, source, repo, version, path, language, is_current,
         start_line, end_line, heading_path, heading, text, identifier_parts)
       VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)`,
    );
    return chunks.map((chunk, ordinal) => {
      const heading = [document.title ?? '', ...chunk.headingPath].filter(Boolean).join(' › ');
      const parts = identifierParts(chunk.text);
      const result = insert.run(
        documentId,
        ordinal,
        document.source,
        document.repo ?? null,
        document.version,
        document.path,
        document.language,
        chunk.startLine,
        chunk.endLine,
        JSON.stringify(chunk.headingPath),
        heading,
        chunk.text,
        parts,
      );
      const chunkId = Number(result.lastInsertRowid);
      this.indexChunkText(chunkId, heading, chunk.text, document.path, parts);
      return chunkId;
    });
  }

  /** Adds a chunk's words to the full-text index (kept in step with `chunks` by this adapter). */
  private indexChunkText(
    chunkId: number,
    heading: string,
    text: string,
    documentPath: string,
    parts: string,
  ) {
    this.statement(
      'INSERT INTO chunks_fts (rowid, heading, text, path, identifier_parts) VALUES (?, ?, ?, ?, ?)',
    ).run(chunkId, heading, text, documentPath, parts);
  }

  private insertVectors(space: SpaceRow, chunkIds: number[], values: Float32Array[]): void {
    const insert = this.statement(
      `INSERT OR REPLACE INTO ${vectorTable(space.id)} (chunk_id, embedding)
       SELECT ?, ? WHERE EXISTS (SELECT 1 FROM chunks WHERE id = ?)`,
    );
    chunkIds.forEach((chunkId, index) => {
      const vector = values[index] as Float32Array;
      if (vector.length !== space.dimensions) {
        throw new ValidationError(
          `A vector for space ${space.key} has ${vector.length} dimensions, expected ${space.dimensions}.`,
        );
      }
      insert.run(chunkId, vectorBytes(vector), chunkId);
    });
  }

  private copyDocument(id: number, version: string): number {
    const copy = this.statement(
      `INSERT INTO documents (source, repo, version, path, language, url, title, content_hash, byte_size,
           is_current, indexed_at)
         SELECT source, repo, ?, path, language, url, title, content_hash, byte_size, 1, ? FROM documents
         WHERE id = ?`,
    ).run(version, this.now(), id);
    const copyId = Number(copy.lastInsertRowid);
    const spaces = this.statement<[], SpaceRow>('SELECT * FROM vector_spaces').all();
    const chunkIds = this.statement<[number], { id: number }>(
      'SELECT id FROM chunks WHERE document_id = ? ORDER BY ordinal',
    ).all(id);
    const copyChunk = this.statement(
      `INSERT INTO chunks (document_id, ordinal, source, repo, version, path, language, is_current,
         start_line, end_line, heading_path, heading, text, identifier_parts)
       SELECT ?, ordinal, source, repo, ?, path, language, 1, start_line, end_line, heading_path, heading, text,
         identifier_parts
       FROM chunks WHERE id = ?`,
    );
    for (const { id: chunkId } of chunkIds) {
      const newChunkId = Number(copyChunk.run(copyId, version, chunkId).lastInsertRowid);
      this.statement(
        `INSERT INTO chunks_fts (rowid, heading, text, path, identifier_parts)
         SELECT id, heading, text, path, identifier_parts FROM chunks WHERE id = ?`,
      ).run(newChunkId);
      for (const space of spaces) {
        this.statement(
          `INSERT INTO ${vectorTable(space.id)} (chunk_id, embedding)
             SELECT ?, embedding FROM ${vectorTable(space.id)} WHERE chunk_id = ?`,
        ).run(newChunkId, chunkId);
      }
    }
    return copyId;
  }

  private markArchived(ids: number[]): void {
    const archiveDocument = this.statement('UPDATE documents SET is_current = 0 WHERE id = ?');
    const archiveChunks = this.statement('UPDATE chunks SET is_current = 0 WHERE document_id = ?');
    for (const id of ids) {
      archiveDocument.run(id);
      archiveChunks.run(id);
    }
  }

  private removeDocuments(ids: number[]): void {
    const spaces = this.statement<[], { id: number }>('SELECT id FROM vector_spaces').all();
    const deleteVectors = spaces.map((space) =>
      this.statement(
        `DELETE FROM ${vectorTable(space.id)} WHERE chunk_id IN (SELECT id FROM chunks WHERE document_id = ?)`,
      ),
    );
    const deleteChunks = this.statement('DELETE FROM chunks WHERE document_id = ?');
    const deleteDocument = this.statement('DELETE FROM documents WHERE id = ?');
    for (const id of ids) {
      for (const statement of deleteVectors) statement.run(id);
      deleteChunks.run(id);
      deleteDocument.run(id);
    }
  }

  private spaceRow(key: string): SpaceRow | undefined {
    return this.statement<[string], SpaceRow>('SELECT * FROM vector_spaces WHERE key = ?').get(key);
  }

  private requireSpace(key: string): SpaceRow {
    const space = this.spaceRow(key);
    if (!space) throw new NotFoundError(`The index has no vector space ${key}.`);
    return space;
  }

  /** Prepared statements are cached by their text: preparing costs more than running most of them. */
  private statement<Parameters extends unknown[] = unknown[], Row = unknown>(
    sql: string,
  ): Database.Statement<Parameters, Row> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.database.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement as Database.Statement<Parameters, Row>;
  }

  private now(): string {
    return this.clock().toISOString();
  }

  private run<T>(action: () => T): T {
    try {
      return action();
    } catch (error) {
      throw translateSqliteError(error, this.file);
    }
  }
}

function toHit(row: HitRow): SearchHit {
  const { keywordRank, vectorRank, headingPath, ...rest } = row;
  return {
    ...rest,
    headingPath: JSON.parse(headingPath) as string[],
    ...(keywordRank === null ? {} : { keywordRank }),
    ...(vectorRank === null ? {} : { vectorRank }),
  };
}

function isUnder(documentPath: string, prefix: string): boolean {
  const folder = prefix.replace(/\/+$/, '');
  return folder === '' || documentPath === folder || documentPath.startsWith(`${folder}/`);
}

function fileSize(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}
