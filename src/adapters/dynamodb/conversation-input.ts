import { NotFoundError, ValidationError } from '../../core/errors/index.ts';
import type { MessageRole, NewConversation, NewMessage } from '../../core/ports/catalog.ts';
import { checkKeyText, isPossibleKeyText, keyLimits } from './dynamodb-items.ts';
import { serialiseJsonObject } from './json-object.ts';

// The same rules, messages and hints as the SQLite catalog's (`sqlite-conversations.ts`): both adapters run
// one contract suite, and a user should read the same refusal whichever catalog is configured.

/** A message checked and ready to store, missing only its conversation and seq; metadata as JSON text. */
export interface PreparedMessage {
  role: MessageRole;
  content: string;
  metadata: string;
  createdAt: string;
}

/** Refuses a new conversation with an empty id, a non-string title or time, or a bad owner. */
export function checkNewConversation(conversation: NewConversation): void {
  if (typeof conversation !== 'object' || conversation === null) {
    throw new ValidationError('A conversation must be an object.');
  }
  if (typeof conversation.id !== 'string' || conversation.id === '') {
    throw new ValidationError('A conversation id must be a non-empty string.', {
      hint: 'Give the conversation an id such as a random UUID.',
    });
  }
  checkConversationId(conversation.id);
  if (typeof conversation.title !== 'string') {
    throw new ValidationError(`The title of conversation ${conversation.id} must be a string.`);
  }
  if (!isPossibleKeyText(conversation.createdAt, keyLimits.sort)) {
    throw new ValidationError(
      `The creation time of conversation ${conversation.id} must be an ISO 8601 string.`,
    );
  }
  if (conversation.owner !== undefined) {
    checkOwner(conversation.owner, `The owner of conversation ${conversation.id}`);
  }
}

/**
 * Returns `id` when it can key a conversation. Message items are keyed by the id and a 36-character
 * incarnation, so the id must leave room for them within DynamoDB's 2048 bytes.
 */
function checkConversationId(id: string): string {
  return checkKeyText(id, 'A conversation id', conversationIdBytes);
}

/** The longest conversation id, in UTF-8 bytes. */
export const conversationIdBytes = 2000;

/** Returns `owner` when it is a non-empty string or `null`; throws `ValidationError` otherwise. */
export function checkOwner(owner: unknown, what: string): string | null {
  if (owner === null) return owner;
  if (typeof owner === 'string' && owner !== '') return checkKeyText(owner, what, 2000);
  throw new ValidationError(`${what} must be an account name or null.`, {
    hint: 'Pass the id of the signed-in account, or null for the conversations started from the CLI.',
  });
}

/** Checks a whole batch before anything is written, so a refused batch changes nothing. */
export function prepareMessages(messages: readonly NewMessage[]): PreparedMessage[] {
  if (!Array.isArray(messages) || messages.length === 0) {
    throw new ValidationError('A batch of messages to append must hold at least one message.', {
      hint: 'Append the question and its answer together, once the answer is complete.',
    });
  }
  return messages.map((message, index) => prepareMessage(message, index + 1));
}

function prepareMessage(message: NewMessage, position: number): PreparedMessage {
  if (typeof message !== 'object' || message === null) {
    throw new ValidationError(`Message ${position} of the batch is not an object.`);
  }
  if (message.role !== 'user' && message.role !== 'assistant') {
    throw new ValidationError(
      `Message ${position} of the batch has the role ${JSON.stringify(message.role)}; expected "user" or "assistant".`,
    );
  }
  if (typeof message.content !== 'string') {
    throw new ValidationError(`The content of message ${position} of the batch must be a string.`);
  }
  // The last message's time becomes the conversation's `updatedAt`, an index sort key.
  if (!isPossibleKeyText(message.createdAt, keyLimits.sort)) {
    throw new ValidationError(
      `The creation time of message ${position} of the batch must be an ISO 8601 string.`,
    );
  }
  return {
    role: message.role,
    content: message.content,
    metadata: serialiseJsonObject(message.metadata, {
      refusal: `The metadata of message ${position} of the batch must be a plain object that JSON can store.`,
      hint: 'Keep metadata to objects, arrays, strings, numbers, booleans and null, with no cycles.',
    }),
    createdAt: message.createdAt,
  };
}

/** Returns `value` when it is absent or a whole number of 0 or more; throws `ValidationError` otherwise. */
export function checkCount(what: string, value: number | undefined, hint: string): number | undefined {
  if (value === undefined || (Number.isSafeInteger(value) && value >= 0)) return value;
  throw new ValidationError(`The ${what} must be a whole number of 0 or more, got ${value}.`, { hint });
}

/** The error for a conversation that does not exist. */
export function conversationNotFound(id: string): NotFoundError {
  return new NotFoundError(`Conversation ${id} does not exist.`, {
    hint: 'List the conversations to check the id, or start a new one.',
  });
}
