import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/index.ts';
import type { ApiKeyRecord } from '../ports/account-catalog.ts';
import { checkApiKey } from './check-api-key.ts';

const key: ApiKeyRecord = {
  id: 'qk_1',
  userId: 'ada',
  name: 'ci',
  secretHash: 'abc123',
  createdAt: '2025-03-01T10:00:00Z',
  lastUsedAt: null,
  revokedAt: '2025-03-02T10:00:00Z',
};

describe('checkApiKey', () => {
  it('normalises the times and keeps null ones null', () => {
    expect(checkApiKey(key)).toEqual({
      ...key,
      createdAt: '2025-03-01T10:00:00.000Z',
      revokedAt: '2025-03-02T10:00:00.000Z',
    });
  });

  it('refuses a key without id, user, name or secret hash, naming the key', () => {
    expect(() => checkApiKey({ ...key, id: '' })).toThrow('The id of an API key must be a non-empty string.');
    expect(() => checkApiKey({ ...key, name: 3 as unknown as string })).toThrow(
      'The user and the name of API key qk_1 must be strings.',
    );
    expect(() => checkApiKey({ ...key, secretHash: '' })).toThrow(ValidationError);
    expect(() => checkApiKey({ ...key, lastUsedAt: 'soon' })).toThrow(
      'The last use of API key qk_1 must be an ISO 8601 time, got "soon".',
    );
  });
});
