import { ValidationError } from '../errors/index.ts';
import type { MessageRole, NewMessage } from '../ports/conversation-catalog.ts';
import { serialiseJsonObject } from './serialise-json-object.ts';

/** A message checked and ready to store, missing only its conversation and seq; metadata as JSON text. */
export interface PreparedMessage {
  role: MessageRole;
  content: string;
  metadata: string;
  createdAt: string;
}

/**
 * Checks a whole batch given to `appendMessages` before the catalog writes anything, so that a refused
 * batch changes nothing; messages are numbered from 1 in the refusals.
 */
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
  if (typeof message.createdAt !== 'string' || message.createdAt === '') {
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
