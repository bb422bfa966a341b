import type Database from 'better-sqlite3';
import {
  duplicateApiKey,
  duplicateSession,
  duplicateUser,
} from '../../core/catalog-input/catalog-conflicts.ts';
import { userNotFound } from '../../core/catalog-input/catalog-not-found.ts';
import { checkApiKey } from '../../core/catalog-input/check-api-key.ts';
import { checkSession } from '../../core/catalog-input/check-session.ts';
import { checkUser } from '../../core/catalog-input/check-user.ts';
import { isoInstant } from '../../core/catalog-input/iso-instant.ts';
import { lastAdmin } from '../../core/catalog-input/last-admin.ts';
import type { ApiKeyRecord, SessionRecord, UserRecord } from '../../core/ports/catalog.ts';
import {
  apiKeyFromRow,
  apiKeyToRow,
  sessionFromRow,
  sessionToRow,
  userFromRow,
  userToRow,
} from './sqlite-account-rows.ts';
import { type AccountStatements, prepareAccountStatements } from './sqlite-account-statements.ts';

/**
 * The account records of the SQLite catalog: users, API keys and sessions. Methods are synchronous and
 * throw raw SQLite errors; the catalog runs them inside its error translation, like its own methods.
 * Every time is stored as `toISOString()` gives it, so that comparing the text compares the instants.
 */
export class SqliteAccounts {
  private readonly database: Database.Database;
  private readonly statements: AccountStatements;

  constructor(database: Database.Database) {
    this.database = database;
    this.statements = prepareAccountStatements(database);
  }

  /** See `Catalog.addUser`. */
  addUser(user: UserRecord): UserRecord {
    const record = checkUser(user);
    if (this.statements.insertUser.run(userToRow(record)).changes === 0) {
      const existing = this.statements.selectUser.get(record.id);
      throw duplicateUser(existing?.id ?? record.id);
    }
    return record;
  }

  /** See `Catalog.getUser`. */
  getUser(id: string): UserRecord | undefined {
    const row = this.statements.selectUser.get(String(id));
    return row === undefined ? undefined : userFromRow(row);
  }

  /** See `Catalog.listUsers`. */
  listUsers(): UserRecord[] {
    return this.statements.selectUsers.all().map(userFromRow);
  }

  /** See `Catalog.updateUser`. */
  updateUser(id: string, changes: Partial<Pick<UserRecord, 'role' | 'passwordHash'>>): UserRecord {
    // IMMEDIATE takes the write lock before reading, so a concurrent update cannot slip in between.
    const update = this.database.transaction(() => {
      const row = this.statements.selectUser.get(String(id));
      if (row === undefined) throw userNotFound(id);
      const current = userFromRow(row);
      // Checked in the same write transaction as the change, like the removal of an admin.
      if (
        current.role === 'admin' &&
        changes.role === 'member' &&
        this.statements.countOtherAdmins.get(current.id) === 0
      )
        throw lastAdmin(current.id, 'demote');
      const record = checkUser({
        ...current,
        ...(changes.role === undefined ? {} : { role: changes.role }),
        ...(changes.passwordHash === undefined ? {} : { passwordHash: changes.passwordHash }),
      });
      this.statements.updateUser.run(userToRow(record));
      // A new password signs the account out everywhere: whoever knew the old one loses their session.
      if (record.passwordHash !== current.passwordHash) this.statements.deleteSessionsOfUser.run(record.id);
      return record;
    });
    return update.immediate();
  }

  /** See `Catalog.removeUser`. */
  removeUser(id: string): void {
    const remove = this.database.transaction(() => {
      const user = this.statements.selectUser.get(String(id));
      if (user === undefined) throw userNotFound(id);
      // Checked in the same write transaction, so two admins removing each other cannot both succeed.
      if (user.role === 'admin' && this.statements.countOtherAdmins.get(user.id) === 0)
        throw lastAdmin(user.id, 'remove');
      this.statements.deleteUser.run(user.id);
      this.statements.deleteApiKeysOfUser.run(String(id));
      this.statements.deleteSessionsOfUser.run(String(id));
      this.statements.deleteMessagesOfOwner.run(String(id));
      this.statements.deleteConversationsOfOwner.run(String(id));
    });
    remove.immediate();
  }

  /** See `Catalog.addApiKey`. The key keeps the user's own spelling of their id. */
  addApiKey(key: ApiKeyRecord): ApiKeyRecord {
    const checked = checkApiKey(key);
    const add = this.database.transaction(() => {
      const user = this.statements.selectUser.get(checked.userId);
      if (user === undefined) throw userNotFound(checked.userId);
      const record: ApiKeyRecord = { ...checked, userId: user.id };
      if (this.statements.insertApiKey.run(apiKeyToRow(record)).changes === 0) {
        throw duplicateApiKey(record.id);
      }
      return record;
    });
    return add.immediate();
  }

  /** See `Catalog.getApiKey`. */
  getApiKey(id: string): ApiKeyRecord | undefined {
    const row = this.statements.selectApiKey.get(String(id));
    return row === undefined ? undefined : apiKeyFromRow(row);
  }

  /** See `Catalog.listApiKeys`. */
  listApiKeys(options: { userId?: string }): ApiKeyRecord[] {
    const rows =
      options.userId === undefined
        ? this.statements.selectApiKeys.all()
        : this.statements.selectApiKeysOfUser.all(String(options.userId));
    return rows.map(apiKeyFromRow);
  }

  /** See `Catalog.revokeApiKey`. */
  revokeApiKey(id: string, revokedAt: string): boolean {
    const revoked_at = isoInstant(revokedAt, 'The revocation time of an API key');
    return this.statements.revokeApiKey.run({ id: String(id), revoked_at }).changes === 1;
  }

  /** See `Catalog.touchApiKey`. */
  touchApiKey(id: string, usedAt: string): void {
    const used_at = isoInstant(usedAt, 'The time an API key was used');
    this.statements.touchApiKey.run({ id: String(id), used_at });
  }

  /** See `Catalog.createSession`. The session keeps the user's own spelling of their id. */
  createSession(session: SessionRecord): void {
    const checked = checkSession(session);
    const create = this.database.transaction(() => {
      const user = this.statements.selectUser.get(checked.userId);
      if (user === undefined) throw userNotFound(checked.userId);
      if (this.statements.insertSession.run(sessionToRow({ ...checked, userId: user.id })).changes === 0) {
        throw duplicateSession();
      }
    });
    create.immediate();
  }

  /** See `Catalog.getSession`. */
  getSession(id: string, now: string): SessionRecord | undefined {
    const row = this.statements.selectLiveSession.get(String(id), isoInstant(now, 'The current time'));
    return row === undefined ? undefined : sessionFromRow(row);
  }

  /** See `Catalog.deleteSession`. */
  deleteSession(id: string): void {
    this.statements.deleteSession.run(String(id));
  }

  /** See `Catalog.deleteExpiredSessions`. */
  deleteExpiredSessions(now: string): number {
    return this.statements.deleteExpiredSessions.run(isoInstant(now, 'The current time')).changes;
  }
}
