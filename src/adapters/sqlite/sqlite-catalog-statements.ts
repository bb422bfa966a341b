import type Database from 'better-sqlite3';
import type {
  ConversationRow,
  LockRow,
  MessageRow,
  RepoRow,
  SyncRunResultRow,
  SyncRunRow,
} from './sqlite-catalog-rows.ts';

/** The prepared statements of one catalog connection, compiled once when the catalog opens. */
export type CatalogStatements = ReturnType<typeof prepareCatalogStatements>;

/** Compiles every statement the SQLite catalog runs against `database`. */
export function prepareCatalogStatements(database: Database.Database) {
  return {
    insertRepo: database.prepare<[RepoRow]>(
      `INSERT INTO repos (id, enabled, ignore_file, track, asset, version, modified, last_checked_at, etag,
         status, error, files, bytes, origin)
       VALUES (@id, @enabled, @ignore_file, @track, @asset, @version, @modified, @last_checked_at, @etag,
         @status, @error, @files, @bytes, @origin)
       ON CONFLICT (id) DO NOTHING`,
    ),
    selectRepo: database.prepare<[string], RepoRow>('SELECT * FROM repos WHERE id = ?'),
    selectRepos: database.prepare<[], RepoRow>('SELECT * FROM repos ORDER BY id'),
    updateRepo: database.prepare<[RepoRow]>(
      `UPDATE repos SET enabled = @enabled, ignore_file = @ignore_file, track = @track, asset = @asset,
         version = @version, modified = @modified, last_checked_at = @last_checked_at, etag = @etag,
         status = @status, error = @error, files = @files, bytes = @bytes, origin = @origin
       WHERE id = @id`,
    ),
    deleteRepo: database.prepare<[string]>('DELETE FROM repos WHERE id = ?'),
    insertSyncRun: database.prepare<[SyncRunRow]>(
      `INSERT INTO sync_runs (id, repo_id, started_at, finished_at, status, tag, previous_tag, files, bytes,
         skipped, duration_ms, error)
       VALUES (@id, @repo_id, @started_at, @finished_at, @status, @tag, @previous_tag, @files, @bytes,
         @skipped, @duration_ms, @error)
       ON CONFLICT (id) DO NOTHING`,
    ),
    finishSyncRun: database.prepare<[SyncRunResultRow]>(
      `UPDATE sync_runs SET finished_at = @finished_at, status = @status, tag = @tag,
         previous_tag = @previous_tag, files = @files, bytes = @bytes, skipped = @skipped,
         duration_ms = @duration_ms, error = @error
       WHERE id = @id`,
    ),
    // rowid breaks ties between runs started in the same millisecond: the later insert is newer.
    selectSyncRuns: database.prepare<[number], SyncRunRow>(
      'SELECT * FROM sync_runs ORDER BY started_at DESC, rowid DESC LIMIT ?',
    ),
    selectSyncRunsOfRepo: database.prepare<[string, number], SyncRunRow>(
      'SELECT * FROM sync_runs WHERE repo_id = ? ORDER BY started_at DESC, rowid DESC LIMIT ?',
    ),
    selectLock: database.prepare<[string], LockRow>('SELECT * FROM locks WHERE resource = ?'),
    insertLock: database.prepare<[LockRow]>(
      `INSERT INTO locks (resource, token, pid, host, acquired_at)
       VALUES (@resource, @token, @pid, @host, @acquired_at)`,
    ),
    deleteLock: database.prepare<[string, string]>('DELETE FROM locks WHERE resource = ? AND token = ?'),
    ...prepareConversationStatements(database),
  };
}

function prepareConversationStatements(database: Database.Database) {
  return {
    insertConversation: database.prepare<[ConversationRow]>(
      `INSERT INTO conversations (id, owner, title, created_at, updated_at, message_count)
       VALUES (@id, @owner, @title, @created_at, @updated_at, @message_count)
       ON CONFLICT (id) DO NOTHING`,
    ),
    selectConversation: database.prepare<[string], ConversationRow>(
      'SELECT * FROM conversations WHERE id = ?',
    ),
    selectConversations: database.prepare<[number], ConversationRow>(
      'SELECT * FROM conversations ORDER BY updated_at DESC, id LIMIT ?',
    ),
    // IS rather than =, so that a NULL owner selects the conversations without one.
    selectConversationsOfOwner: database.prepare<[string | null, number], ConversationRow>(
      'SELECT * FROM conversations WHERE owner IS ? ORDER BY updated_at DESC, id LIMIT ?',
    ),
    touchConversation: database.prepare<[{ id: string; updated_at: string; message_count: number }]>(
      'UPDATE conversations SET updated_at = @updated_at, message_count = @message_count WHERE id = @id',
    ),
    deleteConversation: database.prepare<[string]>('DELETE FROM conversations WHERE id = ?'),
    insertMessage: database.prepare<[MessageRow]>(
      `INSERT INTO conversation_messages (conversation_id, seq, role, content, metadata, created_at)
       VALUES (@conversation_id, @seq, @role, @content, @metadata, @created_at)`,
    ),
    // Reading from a seq rather than with ORDER BY ... DESC LIMIT walks the primary key forwards only.
    selectMessagesAfter: database.prepare<[string, number], MessageRow>(
      'SELECT * FROM conversation_messages WHERE conversation_id = ? AND seq > ? ORDER BY seq',
    ),
    deleteMessages: database.prepare<[string]>('DELETE FROM conversation_messages WHERE conversation_id = ?'),
  };
}
