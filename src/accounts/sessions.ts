import { ConflictError, ValidationError } from '../core/errors/index.ts';
import type { SessionRecord, UserRecord } from '../core/ports/catalog.ts';
import type { AccountDependencies } from './account-dependencies.ts';
import { newSecret, sha256Hex } from './secret-token.ts';
import { userNotFound } from './users.ts';

/** What a well-formed session token looks like (a {@link newSecret} of 32 bytes is 43 characters). */
const tokenPattern = /^[A-Za-z0-9_-]{32,128}$/;

/** A session just started: the token for the cookie (never stored) and the stored record. */
export interface StartedSession {
  token: string;
  record: SessionRecord;
}

/**
 * Starts a session for the account `userId` lasting `ttlMs` milliseconds. The token (32 random bytes) goes
 * to the browser; the catalog keeps only its SHA-256 as the session id, so a copy of the database cannot be
 * used to sign in. An unknown account is a `NotFoundError`, a duration that is not a positive whole number
 * of milliseconds a `ValidationError`.
 */
export async function startSession(
  dependencies: AccountDependencies,
  verified: UserRecord,
  ttlMs: number,
): Promise<StartedSession> {
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
    throw new ValidationError(`A session must last a positive whole number of milliseconds, got ${ttlMs}.`);
  }
  const user = await dependencies.catalog.getUser(verified.id);
  if (user === undefined) throw userNotFound(verified.id);
  const token = newSecret(32);
  const now = dependencies.clock();
  const record: SessionRecord = {
    id: sha256Hex(token),
    userId: user.id,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + ttlMs).toISOString(),
  };
  await dependencies.catalog.createSession(record);
  // The password was checked against `verified`: if the account changed since (a new password, or removed
  // and added again), the session must not outlive that change. Read after the session exists, so a
  // change made at any moment before is seen here, and one made after ends the session itself.
  const current = await dependencies.catalog.getUser(verified.id);
  if (
    current === undefined ||
    current.passwordHash !== verified.passwordHash ||
    current.createdAt !== verified.createdAt
  ) {
    await dependencies.catalog.deleteSession(record.id);
    throw new ConflictError('The account changed while signing in.', { hint: 'Sign in again.' });
  }
  return { token, record };
}

/**
 * The account and session that `token` stands for, or `undefined` when the token is malformed, unknown or
 * expired, or its account is gone.
 */
export async function resolveSession(
  dependencies: AccountDependencies,
  token: string,
): Promise<{ user: UserRecord; session: SessionRecord } | undefined> {
  if (typeof token !== 'string' || !tokenPattern.test(token)) return undefined;
  const now = dependencies.clock().toISOString();
  const session = await dependencies.catalog.getSession(sha256Hex(token), now);
  if (session === undefined) return undefined;
  const user = await dependencies.catalog.getUser(session.userId);
  return user === undefined ? undefined : { user, session };
}

/** Ends the session of `token` (signing out); an unknown or malformed token does nothing. */
export async function endSession(
  dependencies: Pick<AccountDependencies, 'catalog'>,
  token: string,
): Promise<void> {
  if (typeof token !== 'string' || !tokenPattern.test(token)) return;
  await dependencies.catalog.deleteSession(sha256Hex(token));
}

/** Deletes the sessions expired by now and returns how many; for a periodic clean-up by the server. */
export async function removeExpiredSessions(dependencies: AccountDependencies): Promise<number> {
  return dependencies.catalog.deleteExpiredSessions(dependencies.clock().toISOString());
}
