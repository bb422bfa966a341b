import { randomBytes } from 'node:crypto';
import { NotFoundError, RetryableError, ValidationError } from '../core/errors/index.ts';
import type { ApiKeyRecord, UserRecord } from '../core/ports/catalog.ts';
import type { AccountDependencies } from './account-dependencies.ts';
import { equalInConstantTime, newSecret, sha256Hex } from './secret-token.ts';
import { userNotFound } from './users.ts';

/**
 * Letters and digits only: no `_`, the separator of the key's parts, and no `-`, so an id never reads as a
 * command-line option (`quarry keys revoke -x…`). Ids issued earlier may contain `-`; they still parse.
 */
const idAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const idLength = 12;
/** `qk_<id>_<secret>`; the secret is base64url and may itself contain `_`. */
const keyPattern = /^qk_([A-Za-z0-9-]{12})_([A-Za-z0-9_-]{16,128})$/;
/** Recording every use would turn each authenticated read into a write; once a minute is enough to see use. */
const touchIntervalMs = 60_000;
const maximumNameLength = 100;

/** An API key as shown to people and clients: everything but the hash of its secret. */
export type PublicApiKey = Omit<ApiKeyRecord, 'secretHash'>;

/** A key just created: its record and, only this once, the key itself for the user to copy. */
export interface CreatedApiKey {
  record: ApiKeyRecord;
  /** `qk_<id>_<secret>`, sent as `Authorization: Bearer <key>`; never stored, never shown again. */
  key: string;
}

/** The result of {@link revokeApiKey}. */
export interface RevokedApiKey {
  key: ApiKeyRecord;
  /** False when the key had been revoked before (its first revocation time is kept). */
  revokedNow: boolean;
}

/**
 * Creates an API key acting as `userId` and labelled `name` (1–100 characters, no control characters). Only
 * the SHA-256 of its secret is stored. An unknown user is a `NotFoundError`.
 */
export async function createApiKey(
  dependencies: AccountDependencies,
  request: { userId: string; name: string },
): Promise<CreatedApiKey> {
  const name = checkName(request.name);
  const id = newApiKeyId();
  const secret = newSecret(24);
  const record = await dependencies.catalog.addApiKey({
    id,
    userId: request.userId,
    name,
    secretHash: sha256Hex(secret),
    createdAt: dependencies.clock().toISOString(),
    lastUsedAt: null,
    revokedAt: null,
  });
  return { record, key: `qk_${id}_${secret}` };
}

/**
 * The account and key that `presented` (a whole `qk_…` key) stands for, or `undefined` when it is malformed,
 * unknown, wrong, revoked, or its user is gone. Records the use at most once a minute.
 */
export async function authenticateApiKey(
  dependencies: AccountDependencies,
  presented: string,
): Promise<{ user: UserRecord; key: ApiKeyRecord } | undefined> {
  const parsed = parseApiKey(presented);
  if (parsed === undefined) return undefined;
  const key = await dependencies.catalog.getApiKey(parsed.id);
  if (key === undefined || !equalInConstantTime(sha256Hex(parsed.secret), key.secretHash)) return undefined;
  if (key.revokedAt !== null) return undefined;
  const user = await dependencies.catalog.getUser(key.userId);
  if (user === undefined) return undefined;
  return { user, key: await recordUse(dependencies, key) };
}

/** Which keys {@link listApiKeys} lists, and for whom. */
export interface ListApiKeysOptions {
  /** Only the keys of this account (ignoring case); left out, everyone's. */
  userId?: string | undefined;
  /** The account asking: a member sees only their own keys, whatever `userId` says; an admin any. */
  requester?: Pick<UserRecord, 'id' | 'role'> | undefined;
}

/**
 * API keys, newest first, without the hashes of their secrets. Naming an unknown account is a
 * `NotFoundError` (rather than an empty list that looks like "no keys").
 */
export async function listApiKeys(
  dependencies: Pick<AccountDependencies, 'catalog'>,
  options: ListApiKeysOptions = {},
): Promise<PublicApiKey[]> {
  const { requester } = options;
  const userId = requester !== undefined && requester.role !== 'admin' ? requester.id : options.userId;
  if (userId !== undefined && (await dependencies.catalog.getUser(userId)) === undefined) {
    throw userNotFound(userId);
  }
  const keys = await dependencies.catalog.listApiKeys(userId === undefined ? {} : { userId });
  return keys.map(publicApiKey);
}

/** Who asks to revoke a key: a signed-in account, or nobody (the operator at the command line). */
export interface RevokeApiKeyOptions {
  /**
   * The account acting. A member may revoke only their own keys, an admin any key; without one (the CLI,
   * whose user holds the catalog itself) any key.
   */
  requester?: Pick<UserRecord, 'id' | 'role'> | undefined;
}

/**
 * Revokes the key `idOrKey` (its id, or the whole key, whose secret is then never echoed). A key the
 * requester may not revoke is reported exactly as an unknown one, a `NotFoundError`, so a member cannot
 * learn which ids exist. Revoking a key revoked before succeeds and keeps its first time (`revokedNow`
 * false): the key is revoked either way, which is what was asked for.
 */
export async function revokeApiKey(
  dependencies: AccountDependencies,
  idOrKey: string,
  options: RevokeApiKeyOptions = {},
): Promise<RevokedApiKey> {
  const id = parseApiKey(idOrKey)?.id ?? idOrKey;
  const key = await dependencies.catalog.getApiKey(id);
  if (key === undefined || !mayRevoke(options.requester, key)) throw apiKeyNotFound(id);
  if (key.revokedAt !== null) return { key, revokedNow: false };
  const revokedNow = await dependencies.catalog.revokeApiKey(id, dependencies.clock().toISOString());
  return { key: (await dependencies.catalog.getApiKey(id)) ?? key, revokedNow };
}

/** The key without the hash of its secret, for lists and API answers. */
export function publicApiKey(key: ApiKeyRecord): PublicApiKey {
  const { secretHash: _secretHash, ...rest } = key;
  return rest;
}

/** Splits a `qk_<id>_<secret>` key into its parts, or `undefined` when it does not have that shape. */
export function parseApiKey(presented: unknown): { id: string; secret: string } | undefined {
  if (typeof presented !== 'string') return undefined;
  const match = keyPattern.exec(presented);
  if (match?.[1] === undefined || match[2] === undefined) return undefined;
  return { id: match[1], secret: match[2] };
}

/** 12 characters drawn evenly from {@link idAlphabet} (62 characters, so rejection sampling, not modulo). */
function newApiKeyId(): string {
  let id = '';
  while (id.length < idLength) {
    for (const byte of randomBytes(idLength * 2)) {
      const index = byte & 63;
      if (index < idAlphabet.length && id.length < idLength) id += idAlphabet[index];
    }
  }
  return id;
}

async function recordUse(dependencies: AccountDependencies, key: ApiKeyRecord): Promise<ApiKeyRecord> {
  const now = dependencies.clock();
  const lastUsed = key.lastUsedAt === null ? Number.NaN : Date.parse(key.lastUsedAt);
  if (now.getTime() - lastUsed < touchIntervalMs) return key;
  const usedAt = now.toISOString();
  try {
    await dependencies.catalog.touchApiKey(key.id, usedAt);
  } catch (error) {
    // A catalog busy with other writers must not turn away a valid key; the next use records it.
    if (error instanceof RetryableError) return key;
    throw error;
  }
  return { ...key, lastUsedAt: usedAt };
}

function mayRevoke(requester: RevokeApiKeyOptions['requester'], key: ApiKeyRecord): boolean {
  if (requester === undefined || requester.role === 'admin') return true;
  return key.userId.toLowerCase() === requester.id.toLowerCase();
}

function checkName(name: unknown): string {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  // \p{Cc}: control characters (new lines, escapes) that would garble a one-line listing.
  const valid = trimmed !== '' && Array.from(trimmed).length <= maximumNameLength && !/\p{Cc}/u.test(trimmed);
  if (valid) return trimmed;
  throw new ValidationError(`An API key name must be 1 to ${maximumNameLength} characters on one line.`, {
    hint: 'Name the key after where it is used, e.g. "ci" or "laptop".',
  });
}

function apiKeyNotFound(id: string): NotFoundError {
  // Echo only what looks like a key id: a mistyped whole key must not land in an error message.
  const shown = /^[A-Za-z0-9-]{1,64}$/.test(id) ? `API key ${id}` : 'The API key given';
  return new NotFoundError(`${shown} does not exist.`, {
    hint: 'List the API keys to check the id.',
  });
}
