import type { SqliteMigration } from './sqlite-migrations.ts';

/**
 * The catalog's schema, one migration per change. Never edit a migration that has shipped: add the next
 * number instead (documents, conversations, users, API keys, ...), and databases already in use pick it up
 * on their next open.
 */
export const catalogMigrations: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'repos, sync runs and locks',
    sql: `
      CREATE TABLE repos (
        id TEXT PRIMARY KEY COLLATE NOCASE,
        enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
        ignore_file TEXT,
        track TEXT NOT NULL CHECK (track IN ('releases', 'tags')),
        asset TEXT,
        version TEXT,
        modified TEXT,
        last_checked_at TEXT,
        etag TEXT,
        status TEXT CHECK (status IN ('updated', 'unchanged', 'no-release', 'failed')),
        error TEXT,
        files INTEGER NOT NULL DEFAULT 0,
        bytes INTEGER NOT NULL DEFAULT 0,
        origin TEXT NOT NULL CHECK (origin IN ('config', 'user'))
      ) STRICT;

      -- No foreign key to repos: a run's history stays readable after its repository is removed.
      CREATE TABLE sync_runs (
        id TEXT PRIMARY KEY,
        repo_id TEXT NOT NULL COLLATE NOCASE,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL
          CHECK (status IN ('running', 'updated', 'unchanged', 'no-release', 'failed')),
        tag TEXT,
        previous_tag TEXT,
        files INTEGER NOT NULL DEFAULT 0,
        bytes INTEGER NOT NULL DEFAULT 0,
        skipped INTEGER NOT NULL DEFAULT 0,
        duration_ms REAL,
        error TEXT
      ) STRICT;
      CREATE INDEX sync_runs_by_repo ON sync_runs (repo_id, started_at);
      CREATE INDEX sync_runs_by_start ON sync_runs (started_at);

      CREATE TABLE locks (
        resource TEXT PRIMARY KEY,
        token TEXT NOT NULL,
        pid INTEGER NOT NULL,
        host TEXT NOT NULL,
        acquired_at TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 2,
    name: 'conversations and their messages',
    sql: `
      -- message_count doubles as the last seq, so an append reads one row to number its batch.
      CREATE TABLE conversations (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        message_count INTEGER NOT NULL DEFAULT 0 CHECK (message_count >= 0)
      ) STRICT;
      CREATE INDEX conversations_by_update ON conversations (updated_at DESC, id);

      -- The primary key is the last line of defence against two writers taking the same seq. No foreign
      -- key: SQLite enforces those only on connections that enable them, so deletes remove messages
      -- explicitly instead.
      CREATE TABLE conversation_messages (
        conversation_id TEXT NOT NULL,
        seq INTEGER NOT NULL CHECK (seq >= 1),
        role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
        content TEXT NOT NULL,
        metadata TEXT NOT NULL CHECK (json_valid(metadata) AND json_type(metadata) = 'object'),
        created_at TEXT NOT NULL,
        PRIMARY KEY (conversation_id, seq)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 3,
    name: 'users, API keys, sessions and conversation owners',
    sql: `
      CREATE TABLE users (
        id TEXT PRIMARY KEY COLLATE NOCASE,
        role TEXT NOT NULL CHECK (role IN ('admin', 'member')),
        password_hash TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;

      -- No foreign keys to users (SQLite enforces them only on connections that enable them): removing a
      -- user deletes their keys and sessions explicitly, in the same transaction.
      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL COLLATE NOCASE,
        name TEXT NOT NULL,
        secret_hash TEXT NOT NULL,
        created_at TEXT NOT NULL,
        last_used_at TEXT,
        revoked_at TEXT
      ) STRICT;
      CREATE INDEX api_keys_by_user ON api_keys (user_id, created_at);

      -- Times are stored in the one form toISOString() gives, so comparing the text compares the instants.
      CREATE TABLE sessions (
        id TEXT PRIMARY KEY,
        user_id TEXT NOT NULL COLLATE NOCASE,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX sessions_by_expiry ON sessions (expires_at);
      CREATE INDEX sessions_by_user ON sessions (user_id);

      -- Existing conversations were started from the CLI, which has no accounts: their owner stays NULL.
      ALTER TABLE conversations ADD COLUMN owner TEXT;
      CREATE INDEX conversations_by_owner ON conversations (owner, updated_at DESC, id);
    `,
  },
  {
    version: 4,
    name: 'crawled sites and pages',
    sql: `
      -- Lists of URLs and the summary are JSON text: the catalog only stores and returns them whole.
      CREATE TABLE crawl_sites (
        name TEXT PRIMARY KEY NOT NULL,
        start_urls TEXT NOT NULL CHECK (json_valid(start_urls) AND json_type(start_urls) = 'array'),
        last_started_at TEXT,
        last_finished_at TEXT,
        last_summary TEXT
          CHECK (last_summary IS NULL OR (json_valid(last_summary) AND json_type(last_summary) = 'object'))
      ) STRICT;

      -- The primary key is the index the crawler's one lookup per page walks. A rowid table rather than
      -- WITHOUT ROWID, since out_links can make a row a few kilobytes. SQLite enforces the foreign key only
      -- on connections that enable it, so the catalog also checks the site and deletes pages itself.
      CREATE TABLE crawl_pages (
        site TEXT NOT NULL,
        url TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT,
        content_hash TEXT,
        title TEXT,
        document_path TEXT NOT NULL,
        out_links TEXT NOT NULL CHECK (json_valid(out_links) AND json_type(out_links) = 'array'),
        fetched_at TEXT NOT NULL,
        PRIMARY KEY (site, url),
        FOREIGN KEY (site) REFERENCES crawl_sites (name) ON DELETE CASCADE
      ) STRICT;
    `,
  },
];
