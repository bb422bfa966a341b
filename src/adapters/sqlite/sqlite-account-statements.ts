import type Database from 'better-sqlite3';
import type { ApiKeyRow, SessionRow, UserRow } from './sqlite-account-rows.ts';

/** The prepared statements of the account tables (users, API keys, sessions) of one catalog connection. */
export type AccountStatements = ReturnType<typeof prepareAccountStatements>;

/**
 * Compiles every statement the SQLite catalog runs on its account tables. Ids of users (and the `user_id`
 * columns) compare ignoring case through their `COLLATE NOCASE` columns; key and session ids exactly.
 */
export function prepareAccountStatements(database: Database.Database) {
  return {
    ...prepareUserStatements(database),
    ...prepareApiKeyStatements(database),
    ...prepareSessionStatements(database),
  };
}

function prepareUserStatements(database: Database.Database) {
  return {
    insertUser: database.prepare<[UserRow]>(
      `INSERT INTO users (id, role, password_hash, created_at)
       VALUES (@id, @role, @password_hash, @created_at)
       ON CONFLICT (id) DO NOTHING`,
    ),
    selectUser: database.prepare<[string], UserRow>('SELECT * FROM users WHERE id = ?'),
    selectUsers: database.prepare<[], UserRow>('SELECT * FROM users ORDER BY id'),
    countOtherAdmins: database
      .prepare<[string], number>("SELECT count(*) FROM users WHERE role = 'admin' AND id <> ?")
      .pluck(),
    updateUser: database.prepare<[UserRow]>(
      'UPDATE users SET role = @role, password_hash = @password_hash WHERE id = @id',
    ),
    deleteUser: database.prepare<[string]>('DELETE FROM users WHERE id = ?'),
    // A removed account's conversations go with it: a later account with the same name must not see them.
    deleteMessagesOfOwner: database.prepare<[string]>(
      `DELETE FROM conversation_messages WHERE conversation_id IN
         (SELECT id FROM conversations WHERE owner = ? COLLATE NOCASE)`,
    ),
    deleteConversationsOfOwner: database.prepare<[string]>(
      'DELETE FROM conversations WHERE owner = ? COLLATE NOCASE',
    ),
  };
}

function prepareApiKeyStatements(database: Database.Database) {
  return {
    insertApiKey: database.prepare<[ApiKeyRow]>(
      `INSERT INTO api_keys (id, user_id, name, secret_hash, created_at, last_used_at, revoked_at)
       VALUES (@id, @user_id, @name, @secret_hash, @created_at, @last_used_at, @revoked_at)
       ON CONFLICT (id) DO NOTHING`,
    ),
    selectApiKey: database.prepare<[string], ApiKeyRow>('SELECT * FROM api_keys WHERE id = ?'),
    // rowid breaks ties between keys created in the same millisecond: the later insert is newer.
    selectApiKeys: database.prepare<[], ApiKeyRow>(
      'SELECT * FROM api_keys ORDER BY created_at DESC, rowid DESC',
    ),
    selectApiKeysOfUser: database.prepare<[string], ApiKeyRow>(
      'SELECT * FROM api_keys WHERE user_id = ? ORDER BY created_at DESC, rowid DESC',
    ),
    revokeApiKey: database.prepare<[{ id: string; revoked_at: string }]>(
      'UPDATE api_keys SET revoked_at = @revoked_at WHERE id = @id AND revoked_at IS NULL',
    ),
    // Never moves backwards, so two requests finishing out of order leave the later use recorded.
    touchApiKey: database.prepare<[{ id: string; used_at: string }]>(
      `UPDATE api_keys SET last_used_at = @used_at
       WHERE id = @id AND (last_used_at IS NULL OR last_used_at < @used_at)`,
    ),
    deleteApiKeysOfUser: database.prepare<[string]>('DELETE FROM api_keys WHERE user_id = ?'),
  };
}

function prepareSessionStatements(database: Database.Database) {
  return {
    insertSession: database.prepare<[SessionRow]>(
      `INSERT INTO sessions (id, user_id, created_at, expires_at)
       VALUES (@id, @user_id, @created_at, @expires_at)
       ON CONFLICT (id) DO NOTHING`,
    ),
    selectLiveSession: database.prepare<[string, string], SessionRow>(
      'SELECT * FROM sessions WHERE id = ? AND expires_at > ?',
    ),
    deleteSession: database.prepare<[string]>('DELETE FROM sessions WHERE id = ?'),
    deleteSessionsOfUser: database.prepare<[string]>('DELETE FROM sessions WHERE user_id = ?'),
    deleteExpiredSessions: database.prepare<[string]>('DELETE FROM sessions WHERE expires_at <= ?'),
  };
}
