import { ValidationError } from '../errors/index.ts';
import type { SessionRecord } from '../ports/account-catalog.ts';
import { isoInstant } from './iso-instant.ts';

/**
 * The session record a catalog stores, its times normalised (see {@link isoInstant}) so that expiry can be
 * compared as text; a `ValidationError` otherwise.
 */
export function checkSession(session: SessionRecord): SessionRecord {
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
