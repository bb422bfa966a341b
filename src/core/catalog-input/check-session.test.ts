import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/index.ts';
import type { SessionRecord } from '../ports/account-catalog.ts';
import { checkSession } from './check-session.ts';

describe('checkSession', () => {
  const session: SessionRecord = {
    id: 'hash',
    userId: 'ada',
    createdAt: '2025-03-01T10:00:00Z',
    expiresAt: '2025-03-08T10:00:00Z',
  };

  it('normalises both times', () => {
    expect(checkSession(session)).toEqual({
      ...session,
      createdAt: '2025-03-01T10:00:00.000Z',
      expiresAt: '2025-03-08T10:00:00.000Z',
    });
  });

  it('refuses a session without id or with a bad expiry', () => {
    expect(() => checkSession({ ...session, id: '' })).toThrow(
      'The id and the user of a session must be non-empty strings.',
    );
    expect(() => checkSession({ ...session, expiresAt: '' })).toThrow(ValidationError);
    expect(() => checkSession(null as unknown as SessionRecord)).toThrow('A session must be an object.');
  });
});
