import { randomBytes } from 'node:crypto';
import { isPossibleUserId } from '../core/catalog-input/check-user.ts';
import { lastAdmin } from '../core/catalog-input/last-admin.ts';
import { NotFoundError, ValidationError } from '../core/errors/index.ts';
import type { Catalog, UserRecord, UserRole } from '../core/ports/catalog.ts';
import type { AccountDependencies } from './account-dependencies.ts';
import { hashPassword, verifyPassword } from './password-hash.ts';

/** Shortest password accepted: long enough to resist guessing without rules about character classes. */
export const minimumPasswordLength = 12;
/** Longest password accepted, so nobody makes the server hash megabytes per login attempt. */
export const maximumPasswordLength = 1024;

/**
 * A hash of a password nobody knows, with the same parameters as real ones: verified against when the user
 * is unknown, so a failed login takes as long whether or not the name exists.
 */
const dummyHash = 'scrypt$16384$8$1$_UltJC-2Q3tSniKgLLuW8w$Z01AByXGYisKQyeNGSAwff0Dc4VdtaU3uOfscrOT_lc';

/** What {@link createUser} needs to know. */
export interface NewUser {
  /** The login name: 1–64 letters, digits, `.`, `_` or `-`; compared ignoring case. */
  id: string;
  role: UserRole;
  /** 12 to 1024 characters; only its scrypt hash is stored. */
  password: string;
}

/**
 * Adds an account. A name that is not allowed, a role other than `admin`/`member` or a password outside
 * 12–1024 characters is a `ValidationError`; a name already taken (in any case) a `ConflictError`.
 */
export async function createUser(dependencies: AccountDependencies, user: NewUser): Promise<UserRecord> {
  checkUserId(user.id);
  checkRole(user.role);
  checkPassword(user.password);
  return dependencies.catalog.addUser({
    id: user.id,
    role: user.role,
    passwordHash: await hashPassword(user.password),
    createdAt: dependencies.clock().toISOString(),
  });
}

/**
 * The account named `id` (ignoring case) when `password` is its password, otherwise `undefined`. Does the
 * same work for an unknown name as for a wrong password, so the time taken does not reveal which names
 * exist.
 */
export async function authenticateUser(
  catalog: Catalog,
  id: string,
  password: string,
): Promise<UserRecord | undefined> {
  // Two UTF-16 units at most per character: anything longer cannot be a valid password, so skip hashing it.
  if (typeof password !== 'string' || password.length > maximumPasswordLength * 2) return undefined;
  const user = isPossibleUserId(id) ? await catalog.getUser(id) : undefined;
  const matches = await verifyPassword(password, user?.passwordHash ?? dummyHash);
  return user !== undefined && matches ? user : undefined;
}

/**
 * Sets a new password for the account named `id`. The password follows the rules of {@link createUser};
 * an unknown account is a `NotFoundError`.
 */
export async function changePassword(catalog: Catalog, id: string, password: string): Promise<UserRecord> {
  checkPassword(password);
  if ((await catalog.getUser(id)) === undefined) throw userNotFound(id);
  return catalog.updateUser(id, { passwordHash: await hashPassword(password) });
}

/** Who asks to remove an account: a signed-in admin, or nobody (the operator at the command line). */
export interface RemoveUserOptions {
  /** The account acting; it cannot remove itself, or it would lose access in the middle of its request. */
  requester?: Pick<UserRecord, 'id'> | undefined;
}

/**
 * Removes the account named `id` with its API keys, sessions and conversations. Removing the account the
 * requester is signed in with, or the last admin (nobody could manage the server afterwards), is a
 * `ValidationError`; an unknown account a `NotFoundError`.
 */
export async function removeUser(
  catalog: Catalog,
  id: string,
  options: RemoveUserOptions = {},
): Promise<UserRecord> {
  if (options.requester !== undefined && id.toLowerCase() === options.requester.id.toLowerCase()) {
    throw new ValidationError('You cannot remove your own account while signed in with it.', {
      hint: 'Ask another admin, or use "quarry users remove".',
    });
  }
  const user = await catalog.getUser(id);
  if (user === undefined) throw userNotFound(id);
  const admins = (await catalog.listUsers()).filter((each) => each.role === 'admin');
  if (user.role === 'admin' && admins.length <= 1) {
    throw lastAdmin(user.id, 'remove');
  }
  await catalog.removeUser(user.id);
  return user;
}

/** A new random password of 24 characters (18 random bytes as base64url): for accounts made without one. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

/** Throws a `ValidationError` unless `password` is 12 to 1024 characters long. Never echoes the password. */
export function checkPassword(password: unknown): asserts password is string {
  const length = typeof password === 'string' ? Array.from(password).length : 0;
  if (length < minimumPasswordLength) {
    throw new ValidationError(
      `The password is too short: it needs at least ${minimumPasswordLength} characters.`,
      {
        hint: 'Use a longer passphrase, or leave the password out to have a random one generated.',
      },
    );
  }
  if (length > maximumPasswordLength) {
    throw new ValidationError(`The password is too long: at most ${maximumPasswordLength} characters.`, {
      hint: 'Use a shorter passphrase.',
    });
  }
}

function checkUserId(id: unknown): void {
  if (isPossibleUserId(id)) return;
  const shown = typeof id === 'string' && id.length <= 80 ? JSON.stringify(id) : 'given';
  throw new ValidationError(`The user name ${shown} is not allowed.`, {
    hint: 'Use 1 to 64 letters, digits, dots, underscores or hyphens, e.g. "alice" or "build-bot".',
  });
}

function checkRole(role: unknown): void {
  if (role === 'admin' || role === 'member') return;
  throw new ValidationError(`The role must be "admin" or "member", got ${JSON.stringify(role)}.`, {
    hint: 'Admins manage repositories, sync, users and keys; members use the assistant.',
  });
}

/** The error for an unknown account; names only what could be a user name (never a pasted secret). */
export function userNotFound(id: string): NotFoundError {
  const shown = isPossibleUserId(id) ? `User ${id}` : 'The user given';
  return new NotFoundError(`${shown} does not exist.`, { hint: 'List the users to check the name.' });
}
