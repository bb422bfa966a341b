import { ValidationError } from '../errors/index.ts';
import type { ApiKeyRecord } from '../ports/account-catalog.ts';
import { isoInstant } from './iso-instant.ts';

/**
 * The API key record a catalog stores, its times normalised (see {@link isoInstant}); a `ValidationError`
 * otherwise. Whether the user exists is the catalog's to check, in the same step as the write.
 */
export function checkApiKey(key: ApiKeyRecord): ApiKeyRecord {
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
