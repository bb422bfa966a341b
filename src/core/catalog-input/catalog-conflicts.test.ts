import { describe, expect, it } from 'vitest';
import { ConflictError } from '../errors/index.ts';
import {
  duplicateApiKey,
  duplicateConversation,
  duplicateRepo,
  duplicateSession,
  duplicateSyncRun,
  duplicateUser,
} from './catalog-conflicts.ts';

describe('catalog conflict errors', () => {
  it('name the taken id and say how to go on', () => {
    for (const error of [
      duplicateRepo('Owner/Project'),
      duplicateSyncRun('run-1'),
      duplicateConversation('c1'),
      duplicateUser('Ada'),
      duplicateApiKey('qk_1'),
      duplicateSession(),
    ]) {
      expect(error).toBeInstanceOf(ConflictError);
      expect(error.hint).toBeTypeOf('string');
    }
    expect(duplicateRepo('Owner/Project').message).toBe(
      'Repository Owner/Project is already in the catalog.',
    );
    expect(duplicateUser('Ada').message).toBe('User Ada already exists.');
  });

  it('never shows a session id, which is the hash of a secret token', () => {
    expect(duplicateSession().message).toBe('A session with the same id already exists.');
  });
});
