import type { ChunkInput, DocumentInput } from '../../core/ports/search-index.ts';
import { identifierParts } from '../../core/search/query-terms.ts';
import { searchableWords, searchVectorSql } from './postgres-search-sql.ts';
import type { SearchTables } from './search-tables.ts';
import type { SqlQueryable } from './sql-client.ts';
import type { VectorSpaceRow } from './vector-space-rows.ts';
import { vectorLiteral } from './vector-values.ts';

/** PostgreSQL text cannot hold U+0000, which binary-looking files may contain; it is kept as U+FFFD. */
function storable(text: string): string {
  return text.replaceAll('\u0000', '\uFFFD');
}

/**
 * The statements that change documents, chunks and vectors, all run in one write transaction of the
 * search index (which holds the index's write lock). Nothing here commits: the caller's transaction does.
 */
export class SearchWriteTransaction {
  constructor(
    /** The open transaction, for statements of the caller's own. */
    readonly transaction: SqlQueryable,
    private readonly tables: SearchTables,
    /** `indexed_at` of the documents written (ISO 8601). */
    private readonly now: string,
  ) {}

  /** The document at source + version + path, if any. */
  async findDocumentId(source: string, version: string, documentPath: string): Promise<number | undefined> {
    const { rows } = await this.transaction.query<{ id: number }>(
      `SELECT id FROM ${this.tables.documents}
       WHERE source = $1::text AND version = $2::text AND path = $3::text`,
      [source, version, documentPath],
    );
    return rows[0]?.id;
  }

  /** Stores a new, current document and returns its id. */
  async insertDocument(document: DocumentInput): Promise<number> {
    const { rows } = await this.transaction.query<{ id: number }>(
      `INSERT INTO ${this.tables.documents} (source, repo, version, path, language, url, title, content_hash,
         byte_size, is_current, indexed_at)
       VALUES ($1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::text, $9::bigint, true,
         $10::timestamptz)
       RETURNING id`,
      [
        document.source,
        document.repo ?? null,
        document.version,
        document.path,
        document.language,
        document.url ?? null,
        document.title ?? null,
        document.contentHash,
        document.byteSize,
        this.now,
      ],
    );
    return rows[0]?.id as number;
  }

  /**
   * Stores the chunks of a document in one statement (one round trip, read from a JSON array of rows) and
   * returns their ids in order. Each chunk's `tsvector` is built from its words as `queryTerms` cuts them.
   */
  async insertChunks(documentId: number, document: DocumentInput, chunks: ChunkInput[]): Promise<number[]> {
    const rows = chunks.map((chunk, ordinal) => {
      const headingPath = chunk.headingPath.map(storable);
      const heading = [document.title ?? '', ...headingPath].filter(Boolean).join(' › ');
      const text = storable(chunk.text);
      const parts = identifierParts(text);
      return {
        ordinal,
        start_line: chunk.startLine,
        end_line: chunk.endLine,
        heading_path: headingPath,
        heading,
        text,
        identifier_parts: parts,
        heading_words: searchableWords(heading),
        text_words: searchableWords(text),
        other_words: `${searchableWords(document.path)} ${parts}`,
      };
    });
    const searchVector = searchVectorSql(this.tables, 'r.heading_words', 'r.text_words', 'r.other_words');
    const inserted = await this.transaction.query<{ id: number; ordinal: number }>(
      `INSERT INTO ${this.tables.chunks} (document_id, ordinal, source, repo, version, path, language,
         is_current, start_line, end_line, heading_path, heading, text, identifier_parts, search_vector)
       SELECT $1::bigint, r.ordinal, $2::text, $3::text, $4::text, $5::text, $6::text, true, r.start_line,
         r.end_line, ARRAY(SELECT jsonb_array_elements_text(r.heading_path)), r.heading, r.text,
         r.identifier_parts, ${searchVector}
       FROM jsonb_to_recordset($7::jsonb) AS r (ordinal integer, start_line integer, end_line integer,
         heading_path jsonb, heading text, text text, identifier_parts text, heading_words text,
         text_words text, other_words text)
       RETURNING id, ordinal`,
      [
        documentId,
        document.source,
        document.repo ?? null,
        document.version,
        document.path,
        document.language,
        JSON.stringify(rows),
      ],
    );
    return inserted.rows.sort((left, right) => left.ordinal - right.ordinal).map((row) => row.id);
  }

  /**
   * Stores (or replaces) vectors already checked by `assertVectors`; vectors of chunks deleted meanwhile
   * are skipped, as in the SQLite index.
   */
  async insertVectors(space: VectorSpaceRow, chunkIds: number[], values: Float32Array[]): Promise<void> {
    // One row per chunk (the last vector given wins): ON CONFLICT cannot update a row twice in a statement.
    const byChunk = new Map<number, string>();
    chunkIds.forEach((chunkId, index) => {
      byChunk.set(chunkId, vectorLiteral(values[index] as Float32Array));
    });
    if (byChunk.size === 0) return;
    await this.transaction.query(
      `INSERT INTO ${this.tables.vectors(space.id)} (chunk_id, embedding)
       SELECT given.chunk_id, given.embedding::vector
       FROM unnest($1::bigint[], $2::text[]) AS given (chunk_id, embedding)
       WHERE EXISTS (SELECT 1 FROM ${this.tables.chunks} c WHERE c.id = given.chunk_id)
       ON CONFLICT (chunk_id) DO UPDATE SET embedding = excluded.embedding`,
      [[...byChunk.keys()], [...byChunk.values()]],
    );
  }

  /** Moves a document and its chunks to `version` and makes them current; vectors stay as they are. */
  async moveDocument(id: number, version: string): Promise<void> {
    await this.transaction.query(
      `UPDATE ${this.tables.documents} SET version = $2::text, is_current = true WHERE id = $1::bigint`,
      [id, version],
    );
    await this.transaction.query(
      `UPDATE ${this.tables.chunks} SET version = $2::text, is_current = true WHERE document_id = $1::bigint`,
      [id, version],
    );
  }

  /** Copies a document, its chunks and their vectors in every space to `version`; returns the copy's id. */
  async copyDocument(id: number, version: string): Promise<number> {
    const { documents, chunks, vectorSpaces } = this.tables;
    const copy = await this.transaction.query<{ id: number }>(
      `INSERT INTO ${documents} (source, repo, version, path, language, url, title, content_hash, byte_size,
         is_current, indexed_at)
       SELECT source, repo, $2::text, path, language, url, title, content_hash, byte_size, true, $3::timestamptz
       FROM ${documents} WHERE id = $1::bigint
       RETURNING id`,
      [id, version, this.now],
    );
    const copyId = copy.rows[0]?.id as number;
    await this.transaction.query(
      `INSERT INTO ${chunks} (document_id, ordinal, source, repo, version, path, language, is_current,
         start_line, end_line, heading_path, heading, text, identifier_parts, search_vector)
       SELECT $2::bigint, ordinal, source, repo, $3::text, path, language, true, start_line, end_line,
         heading_path, heading, text, identifier_parts, search_vector
       FROM ${chunks} WHERE document_id = $1::bigint ORDER BY ordinal`,
      [id, copyId, version],
    );
    const spaces = await this.transaction.query<{ id: number }>(`SELECT id FROM ${vectorSpaces}`);
    for (const space of spaces.rows) {
      const vectors = this.tables.vectors(space.id);
      await this.transaction.query(
        `INSERT INTO ${vectors} (chunk_id, embedding)
         SELECT copied.id, v.embedding
         FROM ${chunks} original
           JOIN ${chunks} copied ON copied.document_id = $2::bigint AND copied.ordinal = original.ordinal
           JOIN ${vectors} v ON v.chunk_id = original.id
         WHERE original.document_id = $1::bigint`,
        [id, copyId],
      );
    }
    return copyId;
  }

  /** Marks documents and their chunks as belonging to archived versions. */
  async markArchived(ids: number[]): Promise<void> {
    await this.transaction.query(
      `UPDATE ${this.tables.documents} SET is_current = false WHERE id = ANY($1::bigint[])`,
      [ids],
    );
    await this.transaction.query(
      `UPDATE ${this.tables.chunks} SET is_current = false WHERE document_id = ANY($1::bigint[])`,
      [ids],
    );
  }

  /** Deletes documents; their chunks and vectors go with them (ON DELETE CASCADE). */
  async removeDocuments(ids: number[]): Promise<void> {
    await this.transaction.query(`DELETE FROM ${this.tables.documents} WHERE id = ANY($1::bigint[])`, [ids]);
  }
}
