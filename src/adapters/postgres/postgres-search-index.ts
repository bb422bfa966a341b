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
import { queryTerms } from '../../core/search/query-terms.ts';
import { connectPostgres } from './connect-postgres.ts';
import { applyPostgresMigrations } from './postgres-migrations.ts';
import { searchIndexMigrations } from './postgres-search-migrations.ts';
import { rankedQuery } from './postgres-search-sql.ts';
import { type SearchTables, searchTables } from './search-tables.ts';
import { SearchWriteTransaction } from './search-write-transaction.ts';
import type { SqlClient } from './sql-client.ts';
import { takeWriteLock } from './take-write-lock.ts';
import { isServerError, translatePostgresError } from './translate-postgres-error.ts';
import {
  activateVectorSpaceRow,
  countVectors,
  createVectorSpace,
  findActiveVectorSpace,
  findVectorSpace,
  listVectorSpaceRows,
  requireVectorSpace,
} from './vector-space-rows.ts';
import { assertVectors, vectorLiteral } from './vector-values.ts';

export { connectPostgres } from './connect-postgres.ts';

/** How deep each ranked list goes before reciprocal-rank fusion. */
const fusionDepth = 100;

/** The most dimensions a pgvector `vector` column holds. */
const maximumDimensions = 16_000;

/** Where the index keeps its tables: an open client, or a `postgres://` URL to connect to. */
export type PostgresSearchIndexOptions = (
  | { client: SqlClient; connectionString?: never }
  | { connectionString: string; client?: never }
) & {
  /** Starts the name of every table, so several indexes share a database (default `quarry_search_`). */
  tablePrefix?: string;
  clock?: () => Date;
};

interface HitRow extends Omit<SearchHit, 'keywordRank' | 'vectorRank'> {
  keywordRank: number | null;
  vectorRank: number | null;
}

/**
 * Opens a search index in PostgreSQL (with pgvector), creating or upgrading its tables: a weighted
 * `tsvector` with a GIN index for keywords, one table per vector space ranked by cosine distance, both
 * ranked and fused in one SQL statement. The index owns its client, given or opened from
 * `connectionString`: `close()` closes it, and so does a failed start.
 */
export async function createPostgresSearchIndex(options: PostgresSearchIndexOptions): Promise<SearchIndex> {
  const tables = searchTables(options.tablePrefix);
  const clock = options.clock ?? (() => new Date());
  const client = options.client ?? (await connectPostgres(options.connectionString));
  try {
    await applyPostgresMigrations(client, {
      table: tables.migrations,
      lockName: tables.prefix,
      migrations: searchIndexMigrations(tables),
      clock,
    });
  } catch (error) {
    await client.close();
    throw translatePostgresError(error);
  }
  return new PostgresSearchIndex(client, tables, clock);
}

class PostgresSearchIndex implements SearchIndex {
  private closed = false;

  constructor(
    private readonly client: SqlClient,
    private readonly tables: SearchTables,
    private readonly clock: () => Date,
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
    for (const { document, chunks, options } of batch) {
      const vectors = options?.vectors;
      if (vectors && vectors.values.length !== chunks.length) {
        throw new ValidationError(
          `Got ${vectors.values.length} vectors for ${chunks.length} chunks of ${document.path}.`,
        );
      }
    }
    return this.write(async (writes) => {
      const ids: number[] = [];
      for (const entry of batch) ids.push(await this.writeOne(writes, entry));
      return ids;
    });
  }

  private async writeOne(writes: SearchWriteTransaction, entry: DocumentWrite): Promise<number> {
    const { document, chunks } = entry;
    const options = entry.options ?? {};
    const vectors = options.vectors;
    const space = vectors
      ? await requireVectorSpace(writes.transaction, this.tables, vectors.spaceKey)
      : undefined;
    if (space && vectors) assertVectors(space, vectors.values);
    const existing = await writes.findDocumentId(document.source, document.version, document.path);
    if (existing !== undefined) await writes.removeDocuments([existing]);
    if (options.replaces !== undefined && options.replaces !== existing) {
      if (options.keepReplaced) await writes.markArchived([options.replaces]);
      else await writes.removeDocuments([options.replaces]);
    }
    const documentId = await writes.insertDocument(document);
    const chunkIds = await writes.insertChunks(documentId, document, chunks);
    if (space && vectors) await writes.insertVectors(space, chunkIds, vectors.values);
    return documentId;
  }

  async carryDocument(
    id: number,
    version: string,
    options: { keepOriginal?: boolean } = {},
  ): Promise<number> {
    return this.write(async (writes) => {
      const { rows } = await writes.transaction.query<{ source: string; path: string }>(
        `SELECT source, path FROM ${this.tables.documents} WHERE id = $1::bigint`,
        [id],
      );
      const original = rows[0];
      if (!original) throw new NotFoundError(`No indexed document has id ${id}.`);
      const occupant = await writes.findDocumentId(original.source, version, original.path);
      if (occupant === id) return id;
      if (occupant !== undefined) await writes.removeDocuments([occupant]);
      if (!options.keepOriginal) {
        await writes.moveDocument(id, version);
        return id;
      }
      const copyId = await writes.copyDocument(id, version);
      await writes.markArchived([id]);
      return copyId;
    });
  }

  async archiveDocuments(ids: number[]): Promise<void> {
    await this.write((writes) => writes.markArchived(ids));
  }

  async deleteDocuments(ids: number[]): Promise<void> {
    await this.write((writes) => writes.removeDocuments(ids));
  }

  async listDocuments(filter: {
    source: string;
    currentOnly?: boolean;
    pathPrefixes?: string[];
  }): Promise<IndexedDocument[]> {
    const { documents, chunks } = this.tables;
    const folders = filter.pathPrefixes?.map((prefix) => prefix.replace(/\/+$/, '')) ?? null;
    const { rows } = await this.run(() =>
      this.client.query<IndexedDocument>(
        `SELECT d.id, d.source, d.repo, d.version, d.path, d.language, d.content_hash AS "contentHash",
           d.is_current AS current,
           (SELECT count(*) FROM ${chunks} c WHERE c.document_id = d.id)::integer AS "chunkCount"
         FROM ${documents} d
         WHERE d.source = $1::text AND (NOT $2::boolean OR d.is_current)
           AND ($3::text[] IS NULL OR EXISTS (
             SELECT 1 FROM unnest($3::text[]) AS prefix (folder)
             WHERE prefix.folder = '' OR d.path = prefix.folder OR starts_with(d.path, prefix.folder || '/')))
         ORDER BY d.path COLLATE "C", d.version COLLATE "C"`,
        [filter.source, filter.currentOnly === true, folders],
      ),
    );
    return rows;
  }

  async search(request: SearchRequest): Promise<SearchHit[]> {
    const terms = queryTerms(request.text);
    if (!Number.isInteger(request.limit) || request.limit < 1) {
      throw new ValidationError(
        `The number of results must be a whole number of at least 1, not ${request.limit}.`,
      );
    }
    return this.run(async () => {
      try {
        return await this.rankedSearch(request, terms);
      } catch (error) {
        // The active vector space switched (its table dropped) between reading which space is active and
        // reading its table: a second try finds the new one.
        if (isServerError(error) && error.code === '42P01') return this.rankedSearch(request, terms);
        throw error;
      }
    });
  }

  async ensureVectorSpace(space: Pick<VectorSpace, 'key' | 'dimensions' | 'model'>): Promise<VectorSpace> {
    if (!Number.isInteger(space.dimensions) || space.dimensions < 1 || space.dimensions > maximumDimensions) {
      throw new ValidationError(
        `Vector space ${space.key} would have ${space.dimensions} dimensions; pgvector holds 1 to ${maximumDimensions}.`,
        { hint: 'Check knowledge.embedding.dimensions.' },
      );
    }
    await this.write(async ({ transaction }) => {
      const existing = await findVectorSpace(transaction, this.tables, space.key);
      if (existing) {
        if (existing.dimensions !== space.dimensions) {
          throw new ConflictError(
            `Vector space ${space.key} holds ${existing.dimensions}-dimension vectors, not ${space.dimensions}.`,
            { hint: 'Set knowledge.embedding.dimensions back, or change the model so a new space is built.' },
          );
        }
        return;
      }
      const active = await findActiveVectorSpace(transaction, this.tables);
      await createVectorSpace(transaction, this.tables, {
        ...space,
        state: active ? 'building' : 'active',
        createdAt: this.now(),
      });
    });
    const spaces = await this.listVectorSpaces();
    return spaces.find((candidate) => candidate.key === space.key) as VectorSpace;
  }

  async listVectorSpaces(): Promise<VectorSpace[]> {
    return this.run(async () => {
      const spaces: VectorSpace[] = [];
      for (const row of await listVectorSpaceRows(this.client, this.tables)) {
        const { key, dimensions, state, model } = row;
        const vectorCount = await countVectors(this.client, this.tables, row.id);
        spaces.push({ key, dimensions, state, model, vectorCount });
      }
      return spaces;
    });
  }

  async activateVectorSpace(key: string): Promise<void> {
    await this.write(async ({ transaction }) => {
      const target = await requireVectorSpace(transaction, this.tables, key);
      await activateVectorSpaceRow(transaction, this.tables, target);
    });
  }

  async chunksWithoutVectors(
    spaceKey: string,
    limit: number,
  ): Promise<Array<{ chunkId: number; text: string }>> {
    return this.run(async () => {
      const space = await requireVectorSpace(this.client, this.tables, spaceKey);
      const { rows } = await this.client.query<{ chunkId: number; text: string }>(
        `SELECT c.id AS "chunkId", c.text FROM ${this.tables.chunks} c
         WHERE NOT EXISTS (SELECT 1 FROM ${this.tables.vectors(space.id)} v WHERE v.chunk_id = c.id)
         ORDER BY c.id LIMIT $1::integer`,
        [limit],
      );
      return rows;
    });
  }

  async storeVectors(
    spaceKey: string,
    vectors: Array<{ chunkId: number; vector: Float32Array }>,
  ): Promise<void> {
    await this.write(async (writes) => {
      const space = await requireVectorSpace(writes.transaction, this.tables, spaceKey);
      const values = vectors.map((entry) => entry.vector);
      assertVectors(space, values);
      await writes.insertVectors(
        space,
        vectors.map((entry) => entry.chunkId),
        values,
      );
    });
  }

  async recordCompletedRun(source: string, version: string): Promise<void> {
    await this.write(async ({ transaction }) => {
      await transaction.query(
        `INSERT INTO ${this.tables.completedRuns} (source, version, completed_at)
         VALUES ($1::text, $2::text, $3::timestamptz)
         ON CONFLICT (source) DO UPDATE SET version = excluded.version, completed_at = excluded.completed_at`,
        [source, version, this.clock().toISOString()],
      );
    });
  }

  async stats(): Promise<IndexStats> {
    const { documents, chunks, vectorSpaces, migrations, completedRuns } = this.tables;
    return this.run(async () => {
      const totals = await this.client.query<{ documents: number; chunks: number }>(
        `SELECT (SELECT count(*) FROM ${documents})::integer AS documents,
           (SELECT count(*) FROM ${chunks})::integer AS chunks`,
      );
      const sources = await this.client.query<IndexStats['sources'][number]>(
        `SELECT d.source, array_agg(DISTINCT d.version COLLATE "C" ORDER BY d.version COLLATE "C") AS versions,
           count(*)::integer AS documents, coalesce(sum(counted.chunks), 0)::integer AS chunks,
           (SELECT r.version FROM ${completedRuns} r WHERE r.source = d.source) AS "completedVersion"
         FROM ${documents} d LEFT JOIN (
           SELECT document_id, count(*) AS chunks FROM ${chunks} GROUP BY document_id
         ) counted ON counted.document_id = d.id
         GROUP BY d.source ORDER BY d.source COLLATE "C"`,
      );
      const spaceRows = await listVectorSpaceRows(this.client, this.tables);
      const tableNames = [documents, chunks, vectorSpaces, completedRuns, migrations];
      tableNames.push(...spaceRows.map((row) => this.tables.vectors(row.id)));
      // pg_total_relation_size counts each table's indexes and TOAST storage too.
      const size = await this.client.query<{ bytes: number }>(
        `SELECT coalesce(sum(pg_total_relation_size(to_regclass(name))), 0)::float8 AS bytes
         FROM unnest($1::text[]) AS name`,
        [tableNames],
      );
      return {
        documents: totals.rows[0]?.documents ?? 0,
        chunks: totals.rows[0]?.chunks ?? 0,
        sizeBytes: size.rows[0]?.bytes ?? 0,
        sources: sources.rows,
        vectorSpaces: await this.listVectorSpaces(),
      };
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.close();
  }

  private async rankedSearch(request: SearchRequest, terms: string[]): Promise<SearchHit[]> {
    const vector = request.mode === 'keyword' ? undefined : await this.queryVector(request);
    if (request.mode === 'vector' && !vector) {
      throw new ValidationError('Vector search needs an embedding model, and none has indexed vectors yet.', {
        hint: 'Configure knowledge.embedding and run quarry index, or search with --mode keyword.',
      });
    }
    const depth = request.mode === 'hybrid' && vector ? Math.max(fusionDepth, request.limit) : request.limit;
    const query = rankedQuery({
      tables: this.tables,
      filters: request.filters,
      ...(request.mode === 'vector' ? {} : { terms }),
      ...(vector ? { vector } : {}),
      limit: request.limit,
      depth,
    });
    const { rows } = await this.client.query<HitRow>(query.sql, query.values);
    return rows.map(toHit);
  }

  private async queryVector(request: SearchRequest): Promise<{ table: string; literal: string } | undefined> {
    if (!request.queryVector) return undefined;
    const active = await findActiveVectorSpace(this.client, this.tables);
    if (!active) return undefined;
    if (active.dimensions !== request.queryVector.length) {
      throw new ValidationError(
        `The query vector has ${request.queryVector.length} dimensions; the index's vectors have ${active.dimensions}.`,
        { hint: 'Embed the query with the model of the active vector space (see quarry status).' },
      );
    }
    if (!request.queryVector.every(Number.isFinite)) {
      throw new ValidationError('The query vector holds a value that is not a finite number.');
    }
    return { table: this.tables.vectors(active.id), literal: vectorLiteral(request.queryVector) };
  }

  /** A write transaction: one writer per index at a time (see `takeWriteLock`), everything or nothing. */
  private write<Result>(work: (writes: SearchWriteTransaction) => Promise<Result>): Promise<Result> {
    return this.run(() =>
      this.client.transaction(async (transaction) => {
        await takeWriteLock(transaction, this.tables.prefix);
        return work(new SearchWriteTransaction(transaction, this.tables, this.now()));
      }),
    );
  }

  private now(): string {
    return this.clock().toISOString();
  }

  private async run<Result>(action: () => Promise<Result>): Promise<Result> {
    try {
      return await action();
    } catch (error) {
      throw translatePostgresError(error);
    }
  }
}

function toHit(row: HitRow): SearchHit {
  const { keywordRank, vectorRank, ...rest } = row;
  return {
    ...rest,
    ...(keywordRank === null ? {} : { keywordRank }),
    ...(vectorRank === null ? {} : { vectorRank }),
  };
}
