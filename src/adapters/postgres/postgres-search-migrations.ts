import type { PostgresMigration } from './postgres-migrations.ts';
import type { SearchTables } from './search-tables.ts';

/**
 * Tables of the search index named by `tables`. Chunks repeat their document's filter fields (source,
 * repo, version, path, language, current) so filters are checked on the chunk row, without a join.
 * Deleting a document cascades to its chunks and, through each vector space's table, to their vectors.
 *
 * The text search configuration is PostgreSQL's `english` with the stop-word list taken out of its
 * stemmer: queries already drop common words (see `queryTerms`), and words such as `any`, `all`, `once`
 * or `before` are stop words in English prose but names in code. This matches the SQLite index (Porter
 * stemming, no stop words).
 */
export function searchIndexMigrations(tables: SearchTables): readonly PostgresMigration[] {
  const stemmer = `${tables.textSearch}_stem`;
  return [
    {
      version: 1,
      name: 'documents, chunks, full-text index, vector spaces',
      statements: [
        'CREATE EXTENSION IF NOT EXISTS vector',
        `CREATE TEXT SEARCH DICTIONARY ${stemmer} (TEMPLATE = snowball, LANGUAGE = english)`,
        `CREATE TEXT SEARCH CONFIGURATION ${tables.textSearch} (COPY = english)`,
        `ALTER TEXT SEARCH CONFIGURATION ${tables.textSearch} ALTER MAPPING REPLACE english_stem WITH ${stemmer}`,
        `CREATE TABLE ${tables.documents} (
          id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          source text NOT NULL,
          repo text,
          version text NOT NULL,
          path text NOT NULL,
          language text NOT NULL,
          url text,
          title text,
          content_hash text NOT NULL,
          byte_size bigint NOT NULL,
          is_current boolean NOT NULL DEFAULT true,
          indexed_at timestamptz NOT NULL,
          UNIQUE (source, version, path)
        )`,
        `CREATE TABLE ${tables.chunks} (
          id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          document_id bigint NOT NULL REFERENCES ${tables.documents} (id) ON DELETE CASCADE,
          ordinal integer NOT NULL,
          source text NOT NULL,
          repo text,
          version text NOT NULL,
          path text NOT NULL,
          language text NOT NULL,
          is_current boolean NOT NULL,
          start_line integer NOT NULL,
          end_line integer NOT NULL,
          heading_path text[] NOT NULL,
          heading text NOT NULL,
          text text NOT NULL,
          identifier_parts text NOT NULL,
          search_vector tsvector NOT NULL
        )`,
        `CREATE INDEX ${tables.chunks}_by_document ON ${tables.chunks} (document_id, ordinal)`,
        `CREATE INDEX ${tables.chunks}_search ON ${tables.chunks} USING gin (search_vector)`,
        `CREATE TABLE ${tables.vectorSpaces} (
          id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
          key text NOT NULL UNIQUE,
          dimensions integer NOT NULL CHECK (dimensions BETWEEN 1 AND 16000),
          state text NOT NULL CHECK (state IN ('active', 'building')),
          model jsonb NOT NULL,
          created_at timestamptz NOT NULL
        )`,
        `CREATE UNIQUE INDEX ${tables.vectorSpaces}_one_active ON ${tables.vectorSpaces} (state)
          WHERE state = 'active'`,
        `CREATE TABLE ${tables.completedRuns} (
          source text PRIMARY KEY,
          version text NOT NULL,
          completed_at timestamptz NOT NULL
        )`,
      ],
    },
  ];
}
