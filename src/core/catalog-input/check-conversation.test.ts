import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/index.ts';
import type { NewConversation } from '../ports/conversation-catalog.ts';
import { checkNewConversation, checkOwner } from './check-conversation.ts';

describe('checkNewConversation', () => {
  it('returns the record of a new conversation: no messages, updated when created, no owner by default', () => {
    expect(checkNewConversation({ id: 'c1', title: 'Q', createdAt: 't0' })).toEqual({
      id: 'c1',
      owner: null,
      title: 'Q',
      createdAt: 't0',
      updatedAt: 't0',
      messageCount: 0,
    });
    expect(checkNewConversation({ id: 'c1', title: 'Q', createdAt: 't0', owner: 'ada' }).owner).toBe('ada');
  });

  it('refuses an empty id with a hint, and a bad title, time or owner', () => {
    const good: NewConversation = { id: 'c1', title: 'Q', createdAt: 't0' };
    expect(() => checkNewConversation({ ...good, id: '' })).toThrow(
      'A conversation id must be a non-empty string.',
    );
    expect(() => checkNewConversation({ ...good, createdAt: '' })).toThrow(
      'The creation time of conversation c1 must be an ISO 8601 string.',
    );
    expect(() => checkNewConversation({ ...good, owner: '' })).toThrow(
      'The owner of conversation c1 must be an account name or null.',
    );
    expect(() => checkNewConversation(null as unknown as NewConversation)).toThrow(ValidationError);
  });
});

describe('checkOwner', () => {
  it('accepts an account name or null', () => {
    expect(checkOwner('ada', 'The owner')).toBe('ada');
    expect(checkOwner(null, 'The owner')).toBeNull();
    expect(() => checkOwner(undefined, 'The owner')).toThrow(ValidationError);
  });
});
