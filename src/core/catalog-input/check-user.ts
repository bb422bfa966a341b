import { ValidationError } from '../errors/index.ts';
import type { UserRecord } from '../ports/account-catalog.ts';
import { isoInstant } from './iso-instant.ts';
import { quoted } from './quoted.ts';

/** What the contract allows as a user id: 1–64 letters, digits, `.`, `_` or `-`. */
const userIdPattern = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The user record a catalog stores: the id, role and password hash checked, the creation time normalised
 * (see {@link isoInstant}), and nothing else the caller's object carried; a `ValidationError` otherwise.
 */
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

/** Whether `id` could name a user at all; a lookup of one that cannot simply finds nobody. */
export function isPossibleUserId(id: unknown): id is string {
  return typeof id === 'string' && userIdPattern.test(id);
}
