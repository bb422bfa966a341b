import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../errors/index.ts';
import {
  conversationNotFound,
  crawlSiteNotFound,
  repoNotFound,
  syncRunNotFound,
  userNotFound,
} from './catalog-not-found.ts';

describe('catalog not-found errors', () => {
  it('name the record and say how to go on', () => {
    for (const error of [
      repoNotFound('owner/project'),
      syncRunNotFound('run-1'),
      conversationNotFound('c1'),
      crawlSiteNotFound('docs'),
      userNotFound('ada'),
    ]) {
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error.hint).toBeTypeOf('string');
    }
    expect(repoNotFound('owner/project').message).toBe('Repository owner/project is not in the catalog.');
    expect(userNotFound('ada').message).toBe('User ada does not exist.');
  });

  it('quote a user id no user could have, so it reads as a value', () => {
    expect(userNotFound('two words').message).toBe('User "two words" does not exist.');
    expect(userNotFound(undefined).message).toBe('User undefined does not exist.');
  });
});
