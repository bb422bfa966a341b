import type { SqliteMigration } from './sqlite-migrations.ts';

/**
 * Tables of the search index. Chunks repeat their document's filter fields (source, repo, version, path,
 * language, current) so filters are checked on the row FTS5 hands back, without a join. The FTS5 table
 * keeps no copy of the text (external content): triggers keep it in step with `chunks`.
 */
export const searchIndexMigrations: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'documents, chunks, full-text index, vector spaces',
    sql: `
      CREATE TABLE documents (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        repo TEXT,
        version TEXT NOT NULL,
        path TEXT NOT NULL,
        language TEXT NOT NULL,
        url TEXT,
        title TEXT,
        content_hash TEXT NOT NULL,
        byte_size INTEGER NOT NULL,
        is_current INTEGER NOT NULL DEFAULT 1,
        indexed_at TEXT NOT NULL,
        UNIQUE (source, version, path)
      ) STRICT;

      CREATE TABLE chunks (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents (id),
        ordinal INTEGER NOT NULL,
        source TEXT NOT NULL,
        repo TEXT,
        version TEXT NOT NULL,
        path TEXT NOT NULL,
        language TEXT NOT NULL,
        is_current INTEGER NOT NULL,
        start_line INTEGER NOT NULL,
        end_line INTEGER NOT NULL,
        heading_path TEXT NOT NULL,
        heading TEXT NOT NULL,
        text TEXT NOT NULL,
        identifier_parts TEXT NOT NULL
      ) STRICT;
      CREATE INDEX chunks_by_document ON chunks (document_id, ordinal);

      CREATE VIRTUAL TABLE chunks_fts USING fts5 (
        heading, text, path, identifier_parts,
        content = 'chunks', content_rowid = 'id',
        tokenize = 'porter unicode61 remove_diacritics 2'
      );
      CREATE TRIGGER chunks_fts_insert AFTER INSERT ON chunks BEGIN
        INSERT INTO chunks_fts (rowid, heading, text, path, identifier_parts)
          VALUES (new.id, new.heading, new.text, new.path, new.identifier_parts);
      END;
      CREATE TRIGGER chunks_fts_delete AFTER DELETE ON chunks BEGIN
        INSERT INTO chunks_fts (chunks_fts, rowid, heading, text, path, identifier_parts)
          VALUES ('delete', old.id, old.heading, old.text, old.path, old.identifier_parts);
      END;
      CREATE TRIGGER chunks_fts_update AFTER UPDATE OF heading, text, path, identifier_parts ON chunks BEGIN
        INSERT INTO chunks_fts (chunks_fts, rowid, heading, text, path, identifier_parts)
          VALUES ('delete', old.id, old.heading, old.text, old.path, old.identifier_parts);
        INSERT INTO chunks_fts (rowid, heading, text, path, identifier_parts)
          VALUES (new.id, new.heading, new.text, new.path, new.identifier_parts);
      END;

      CREATE TABLE vector_spaces (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE,
        dimensions INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('active', 'building')),
        model TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: 'find archived chunks at once',
    // Lets a search tell in one lookup whether "current versions only" excludes anything at all.
    sql: 'CREATE INDEX chunks_archived ON chunks (id) WHERE is_current = 0;',
  },
  {
    version: 3,
    name: 'chunks written to the full-text index directly',
    // The insert trigger made every chunk write cost more than twice a direct FTS5 insert; the adapter
    // now writes both rows itself, in the same transaction. Delete and update triggers stay.
    sql: 'DROP TRIGGER chunks_fts_insert;',
  },
];
