import { checkOwner } from '../../core/catalog-input/check-conversation.ts';
import type { PreparedMessage } from '../../core/catalog-input/prepare-messages.ts';
import { ValidationError } from '../../core/errors/index.ts';
import type { ConversationRecord } from '../../core/ports/catalog.ts';
import { checkKeyText, isPossibleKeyText, keyLimits } from './dynamodb-items.ts';

// The contract's checks live in `core/catalog-input`, shared with the SQLite catalog; these add only what
// DynamoDB's key sizes demand of values that become keys, run once the contract's checks have passed.

/**
 * The longest conversation id, in UTF-8 bytes. Message items are keyed by the id and a 36-character
 * incarnation, so the id must leave room for them within DynamoDB's 2048 bytes.
 */
export const conversationIdBytes = 2000;

/** The longest owner, in UTF-8 bytes: the owner index is keyed by `owner:` and the name, within 2048 bytes. */
const ownerBytes = 2000;

/** Refuses a new conversation whose id, creation time or owner would not fit the keys they become. */
export function checkConversationKeys(record: ConversationRecord): void {
  checkKeyText(record.id, 'A conversation id', conversationIdBytes);
  // The creation time is the first `updatedAt`, the sort key of both conversation indexes.
  if (!isPossibleKeyText(record.createdAt, keyLimits.sort)) {
    throw new ValidationError(`The creation time of conversation ${record.id} must be an ISO 8601 string.`);
  }
  checkOwnerKey(record.owner, `The owner of conversation ${record.id}`);
}

/** The contract's {@link checkOwner}, and an owner short enough to key the index of conversations by owner. */
export function checkOwnerKey(owner: unknown, what: string): string | null {
  const checked = checkOwner(owner, what);
  return checked === null ? null : checkKeyText(checked, what, ownerBytes);
}

/** Refuses a batch in which a message's time, which becomes the conversation's `updatedAt`, fits no key. */
export function checkMessageKeys(messages: readonly PreparedMessage[]): void {
  messages.forEach((message, index) => {
    if (isPossibleKeyText(message.createdAt, keyLimits.sort)) return;
    throw new ValidationError(
      `The creation time of message ${index + 1} of the batch must be an ISO 8601 string.`,
    );
  });
}
