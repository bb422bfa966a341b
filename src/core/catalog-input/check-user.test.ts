import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/index.ts';
import type { UserRecord } from '../ports/account-catalog.ts';
import { checkUser, isPossibleUserId } from './check-user.ts';

const user: UserRecord = {
  id: 'Ada.Lovelace',
  role: 'admin',
  passwordHash: 'scrypt$hash',
  createdAt: '2025-03-01T12:00:00+02:00',
};

describe('checkUser', () => {
  it('keeps the record fields only, with the time normalised', () => {
    const extra = { ...user, password: 'secret' } as UserRecord;
    expect(checkUser(extra)).toEqual({ ...user, createdAt: '2025-03-01T10:00:00.000Z' });
  });

  it('refuses a name outside the allowed characters, saying which are allowed', () => {
    const refusal = catchError(() => checkUser({ ...user, id: 'ada lovelace' }));
    expect(refusal).toBeInstanceOf(ValidationError);
    expect(refusal.message).toBe('The user name "ada lovelace" is not allowed.');
    expect(refusal.hint).toBe('Use 1 to 64 letters, digits, dots, underscores or hyphens.');
  });

  it('refuses an unknown role and an empty password hash, never echoing the hash', () => {
    expect(() => checkUser({ ...user, role: 'owner' as UserRecord['role'] })).toThrow(
      'The role of user Ada.Lovelace must be "admin" or "member", got "owner".',
    );
    const refusal = catchError(() => checkUser({ ...user, passwordHash: '' }));
    expect(refusal.message).toBe('The password hash of user Ada.Lovelace must be a non-empty string.');
  });
});

describe('isPossibleUserId', () => {
  it('tells names a user could have from those none could', () => {
    expect(isPossibleUserId('ada_l-1')).toBe(true);
    expect(isPossibleUserId('a'.repeat(65))).toBe(false);
    expect(isPossibleUserId(7)).toBe(false);
  });
});

function catchError(action: () => unknown): ValidationError {
  try {
    action();
  } catch (error) {
    if (error instanceof ValidationError) return error;
  }
  throw new Error('expected a ValidationError');
}
