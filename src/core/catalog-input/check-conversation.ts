import { ValidationError } from '../errors/index.ts';
import type { ConversationRecord, NewConversation } from '../ports/conversation-catalog.ts';

/**
 * Checks a conversation given to `createConversation` and returns the record to store: no messages yet,
 * updated when created, owned by nobody unless an owner is given. Refuses an empty id, a title or time that
 * is not a string, or a bad owner (see {@link checkOwner}).
 */
export function checkNewConversation(conversation: NewConversation): ConversationRecord {
  if (typeof conversation !== 'object' || conversation === null) {
    throw new ValidationError('A conversation must be an object.');
  }
  if (typeof conversation.id !== 'string' || conversation.id === '') {
    throw new ValidationError('A conversation id must be a non-empty string.', {
      hint: 'Give the conversation an id such as a random UUID.',
    });
  }
  if (typeof conversation.title !== 'string') {
    throw new ValidationError(`The title of conversation ${conversation.id} must be a string.`);
  }
  if (typeof conversation.createdAt !== 'string' || conversation.createdAt === '') {
    throw new ValidationError(
      `The creation time of conversation ${conversation.id} must be an ISO 8601 string.`,
    );
  }
  const owner =
    conversation.owner === undefined
      ? null
      : checkOwner(conversation.owner, `The owner of conversation ${conversation.id}`);
  return {
    id: conversation.id,
    owner,
    title: conversation.title,
    createdAt: conversation.createdAt,
    updatedAt: conversation.createdAt,
    messageCount: 0,
  };
}

/**
 * Returns `owner` when it is an account name (a non-empty string) or `null` (conversations started from the
 * CLI); throws `ValidationError` saying `what` it is otherwise.
 */
export function checkOwner(owner: unknown, what: string): string | null {
  if (owner === null || (typeof owner === 'string' && owner !== '')) return owner;
  throw new ValidationError(`${what} must be an account name or null.`, {
    hint: 'Pass the id of the signed-in account, or null for the conversations started from the CLI.',
  });
}
