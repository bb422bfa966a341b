/** What an account may do: `admin` manages repositories, sync, users and keys; `member` uses the assistant. */
export type UserRole = 'admin' | 'member';

/** One account of the server. */
export interface UserRecord {
  /** The login name, compared ignoring case (`Admin` and `admin` are one account). */
  id: string;
  role: UserRole;
  /** `scrypt$…` hash of the password, never the password itself. */
  passwordHash: string;
  /** ISO 8601. */
  createdAt: string;
}

/** One API key; the secret itself is shown once at creation and only its hash is kept. */
export interface ApiKeyRecord {
  /** The key's public id (also the start of the key the user holds), compared exactly. */
  id: string;
  /** The account the key acts as (its role applies). */
  userId: string;
  /** A label chosen by the user ("ci", "vscode"). */
  name: string;
  /** SHA-256 (hex) of the key's secret. */
  secretHash: string;
  createdAt: string;
  lastUsedAt: string | null;
  /** Set when revoked; a revoked key never authenticates again. */
  revokedAt: string | null;
}

/** One signed-in browser session; the cookie holds a token whose SHA-256 (hex) is `id`. */
export interface SessionRecord {
  id: string;
  userId: string;
  createdAt: string;
  /** ISO 8601; an expired session is treated as absent. */
  expiresAt: string;
}

/**
 * The server's accounts: users, their API keys and their browser sessions. A removed user takes their
 * owned conversations with them, so an adapter of this port also holds the `ConversationCatalog`.
 *
 * Contract (checked by `account-catalog.contract.ts`):
 * - Users: ids are compared ignoring case and must be 1–64 characters of letters, digits, `.`, `_`, `-`
 *   (else a `ValidationError`); records keep the spelling they were added with. `addUser` of an existing id
 *   is a `ConflictError` that keeps the first record; a role other than `admin`/`member` or an empty
 *   password hash a `ValidationError`. `updateUser` changes only the fields given and returns the whole
 *   record; `updateUser` and `removeUser` of an unknown id are a `NotFoundError`. `removeUser` also deletes
 *   the user's API keys, sessions and owned conversations (a new user of the same name starts with none of
 *   them, and none of the old keys or sessions ever authenticates again, even while the removal is under
 *   way); removing the last admin, or making them a `member`, is a `ValidationError`, checked atomically
 *   with the change.
 *   `updateUser` with a new `passwordHash` ends all the user's sessions. `listUsers` is sorted by id
 *   ignoring case.
 * - API keys: ids are compared exactly. `addApiKey` of an existing id is a `ConflictError`, for an unknown
 *   user a `NotFoundError`; the stored `userId` is spelled as the user's id. `listApiKeys({ userId })` keeps
 *   that user's keys (ignoring case); newest first (ties: the later added first). `revokeApiKey` sets
 *   `revokedAt` once and says whether the key existed and was active (a second revocation returns false
 *   and keeps the first time). `touchApiKey` records a use; it never moves `lastUsedAt` back in time and
 *   ignores an unknown id.
 * - Sessions: `createSession` for an unknown user is a `NotFoundError`, with an existing id a
 *   `ConflictError`. `getSession(id, now)` returns `undefined` for unknown sessions and for those whose
 *   `expiresAt` is at or before `now`; `deleteExpiredSessions(now)` removes exactly those and returns how
 *   many. `deleteSession` of an unknown id does nothing.
 * - Times of users, keys and sessions are ISO 8601 strings (another form is a `ValidationError`), compared
 *   as instants; they may come back normalised to the form `Date.prototype.toISOString` writes.
 */
export interface AccountCatalog {
  addUser(user: UserRecord): Promise<UserRecord>;
  getUser(id: string): Promise<UserRecord | undefined>;
  listUsers(): Promise<UserRecord[]>;
  updateUser(id: string, changes: Partial<Pick<UserRecord, 'role' | 'passwordHash'>>): Promise<UserRecord>;
  /** Removes the user with their API keys, sessions and owned conversations. */
  removeUser(id: string): Promise<void>;

  addApiKey(key: ApiKeyRecord): Promise<ApiKeyRecord>;
  getApiKey(id: string): Promise<ApiKeyRecord | undefined>;
  listApiKeys(options?: { userId?: string }): Promise<ApiKeyRecord[]>;
  /** True when an active key was revoked now. */
  revokeApiKey(id: string, revokedAt: string): Promise<boolean>;
  touchApiKey(id: string, usedAt: string): Promise<void>;

  createSession(session: SessionRecord): Promise<void>;
  getSession(id: string, now: string): Promise<SessionRecord | undefined>;
  deleteSession(id: string): Promise<void>;
  /** Removes the sessions expired at `now`; returns how many. */
  deleteExpiredSessions(now: string): Promise<number>;
}
