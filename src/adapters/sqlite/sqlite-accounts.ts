import type Database from 'better-sqlite3';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors/index.ts';
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

/** What the contract allows as a user id: 1–64 letters, digits, `.`, `_` or `-`. */
const userIdPattern = /^[A-Za-z0-9._-]{1,64}$/;

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
      throw new ConflictError(`User ${existing?.id ?? record.id} already exists.`, {
        hint: 'Choose another name, or change the existing user instead of adding it again.',
      });
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
        throw lastAdmin(current.id);
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
        throw lastAdmin(user.id);
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
        throw new ConflictError(`API key ${record.id} already exists.`, {
          hint: 'Give every API key a new random id.',
        });
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
        throw new ConflictError('A session with the same id already exists.', {
          hint: 'Derive every session id from a new random token.',
        });
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

function checkUser(user: UserRecord): UserRecord {
  if (typeof user !== 'object' || user === null) throw new ValidationError('A user must be an object.');
  if (typeof user.id !== 'string' || !userIdPattern.test(user.id)) {
    throw new ValidationError(`The user name ${quoted(user.id)} is not allowed.`, {
      hint: 'Use 1 to 64 letters, digits, dots, underscores or hyphens.',
    });
  }
  if (user.role !== 'admin' && user.role !== 'member') {
    throw new ValidationError(
      `The role of user ${user.id} must be "admin" or "member", got ${quoted(user.role)}.`,
    );
  }
  if (typeof user.passwordHash !== 'string' || user.passwordHash === '') {
    // Never echo the value: a caller mixing up fields could have passed the password itself.
    throw new ValidationError(`The password hash of user ${user.id} must be a non-empty string.`);
  }
  return {
    id: user.id,
    role: user.role,
    passwordHash: user.passwordHash,
    createdAt: isoInstant(user.createdAt, `The creation time of user ${user.id}`),
  };
}

function checkApiKey(key: ApiKeyRecord): ApiKeyRecord {
  if (typeof key !== 'object' || key === null) throw new ValidationError('An API key must be an object.');
  if (typeof key.id !== 'string' || key.id === '') {
    throw new ValidationError('The id of an API key must be a non-empty string.');
  }
  if (typeof key.userId !== 'string' || typeof key.name !== 'string') {
    throw new ValidationError(`The user and the name of API key ${key.id} must be strings.`);
  }
  if (typeof key.secretHash !== 'string' || key.secretHash === '') {
    throw new ValidationError(`The secret hash of API key ${key.id} must be a non-empty string.`);
  }
  const what = `of API key ${key.id}`;
  return {
    id: key.id,
    userId: key.userId,
    name: key.name,
    secretHash: key.secretHash,
    createdAt: isoInstant(key.createdAt, `The creation time ${what}`),
    lastUsedAt: key.lastUsedAt === null ? null : isoInstant(key.lastUsedAt, `The last use ${what}`),
    revokedAt: key.revokedAt === null ? null : isoInstant(key.revokedAt, `The revocation time ${what}`),
  };
}

function checkSession(session: SessionRecord): SessionRecord {
  if (typeof session !== 'object' || session === null) {
    throw new ValidationError('A session must be an object.');
  }
  if (typeof session.id !== 'string' || session.id === '' || typeof session.userId !== 'string') {
    throw new ValidationError('The id and the user of a session must be non-empty strings.');
  }
  return {
    id: session.id,
    userId: session.userId,
    createdAt: isoInstant(session.createdAt, 'The creation time of a session'),
    expiresAt: isoInstant(session.expiresAt, 'The expiry time of a session'),
  };
}

/** `value` as `toISOString()` writes it, or a `ValidationError` saying that `what` is not a time. */
function isoInstant(value: unknown, what: string): string {
  const milliseconds = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  const date = new Date(milliseconds);
  // Years past 9999 print with a sign and six digits, which would no longer sort as text.
  if (Number.isFinite(milliseconds) && date.getUTCFullYear() >= 0 && date.getUTCFullYear() <= 9999) {
    return date.toISOString();
  }
  throw new ValidationError(`${what} must be an ISO 8601 time, got ${quoted(value)}.`);
}

/** A short, printable form of a value for an error message. */
function quoted(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function userNotFound(id: string): NotFoundError {
  const shown = typeof id === 'string' && userIdPattern.test(id) ? id : quoted(id);
  return new NotFoundError(`User ${shown} does not exist.`, {
    hint: 'List the users to check the name, or add the user first.',
  });
}

function lastAdmin(id: string): ValidationError {
  return new ValidationError(`${id} is the last admin; removing it would leave nobody to manage Quarry.`, {
    hint: `Add another admin first (quarry users add <name> --role admin), then remove ${id}.`,
  });
}
