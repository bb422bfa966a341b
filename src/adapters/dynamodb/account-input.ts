import { NotFoundError, ValidationError } from '../../core/errors/index.ts';
import type { ApiKeyRecord, SessionRecord, UserRecord } from '../../core/ports/catalog.ts';
import { checkKeyText } from './dynamodb-items.ts';

// The same rules, messages and hints as the SQLite catalog's (`sqlite-accounts.ts`): both adapters run one
// contract suite, and a user should read the same refusal whichever catalog is configured.

/** What the contract allows as a user id: 1–64 letters, digits, `.`, `_` or `-`. */
const userIdPattern = /^[A-Za-z0-9._-]{1,64}$/;

/** The user record to store: the id checked, the time normalised; a `ValidationError` otherwise. */
export function checkUser(user: UserRecord): UserRecord {
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

/** The API key record to store, its times normalised; a `ValidationError` otherwise. */
export function checkApiKey(key: ApiKeyRecord): ApiKeyRecord {
  if (typeof key !== 'object' || key === null) throw new ValidationError('An API key must be an object.');
  if (typeof key.id !== 'string' || key.id === '') {
    throw new ValidationError('The id of an API key must be a non-empty string.');
  }
  checkKeyText(key.id, 'The id of an API key');
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

/** The session record to store, its times normalised; a `ValidationError` otherwise. */
export function checkSession(session: SessionRecord): SessionRecord {
  if (typeof session !== 'object' || session === null) {
    throw new ValidationError('A session must be an object.');
  }
  if (typeof session.id !== 'string' || session.id === '' || typeof session.userId !== 'string') {
    throw new ValidationError('The id and the user of a session must be non-empty strings.');
  }
  checkKeyText(session.id, 'The id of a session');
  return {
    id: session.id,
    userId: session.userId,
    createdAt: isoInstant(session.createdAt, 'The creation time of a session'),
    expiresAt: isoInstant(session.expiresAt, 'The expiry time of a session'),
  };
}

/** `value` as `toISOString()` writes it, or a `ValidationError` saying that `what` is not a time. */
export function isoInstant(value: unknown, what: string): string {
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

/** Whether `id` could name a user at all; one that cannot is simply absent. */
export function isPossibleUserId(id: unknown): id is string {
  return typeof id === 'string' && userIdPattern.test(id);
}

/** The error for a user that does not exist. */
export function userNotFound(id: unknown): NotFoundError {
  const shown = isPossibleUserId(id) ? id : quoted(id);
  return new NotFoundError(`User ${shown} does not exist.`, {
    hint: 'List the users to check the name, or add the user first.',
  });
}

/** The refusal to remove or demote the last admin. */
export function lastAdmin(id: string, change: 'remove' | 'demote'): ValidationError {
  const doing = change === 'remove' ? 'removing it' : 'making it a member';
  return new ValidationError(`${id} is the last admin; ${doing} would leave nobody to manage Quarry.`, {
    hint: `Add another admin first (quarry users add <name> --role admin), then ${change} ${id}.`,
  });
}
