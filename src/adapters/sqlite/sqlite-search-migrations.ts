import type { SqliteMigration } from './sqlite-migrations.ts';

/**
 * Tables of the search index. Chunks repeat their document's filter fields (source, repo, version, path,
 * language, current) so filters are checked on the row FTS5 hands back, without a join. The FTS5 table
 * keeps no copy of the text (external content). The adapter inserts each chunk's words itself (an insert
 * trigger made every chunk write more than twice as slow); triggers remove them on delete and update.
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
      -- Lets a search tell in one lookup whether "current versions only" excludes anything at all.
      CREATE INDEX chunks_archived ON chunks (id) WHERE is_current = 0;

      CREATE VIRTUAL TABLE chunks_fts USING fts5 (
        heading, text, path, identifier_parts,
        content = 'chunks', content_rowid = 'id',
        tokenize = 'porter unicode61 remove_diacritics 2'
      );
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

      CREATE TABLE completed_runs (
        source TEXT PRIMARY KEY,
        version TEXT NOT NULL,
        completed_at TEXT NOT NULL
      ) STRICT;

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
];
