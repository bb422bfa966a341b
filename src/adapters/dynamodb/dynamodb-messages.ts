import type { PreparedMessage } from '../../core/catalog-input/prepare-messages.ts';
import { RetryableError } from '../../core/errors/index.ts';
import type { MessageRecord } from '../../core/ports/catalog.ts';
import { type CatalogContext, tableOf } from './catalog-context.ts';
import { expression } from './dynamodb-expressions.ts';
import { checkItemFits, type Item, ItemReader, itemSchemaVersion } from './dynamodb-items.ts';
import {
  type BatchRequest,
  backoffMs,
  collect,
  deleteItem,
  pause,
  putItem,
  queryItems,
  type TableHandle,
  writeBatch,
} from './dynamodb-requests.ts';

/** Rounds of "another batch took that seq" before an append gives up; each round one appender wins. */
const appendRounds = 40;
const roles = ['user', 'assistant'] as const;

/** One life of a conversation: its id and the incarnation it got when (re)created. */
export interface ConversationIncarnation {
  id: string;
  incarnation: string;
}

/**
 * The messages of conversations, one item per appended batch: partition `conversationKey` (the id and the
 * incarnation), sort key `firstSeq`, the messages in a list. One item is written whole or not at all, so
 * a batch is all or nothing and its messages stay together. The key includes the incarnation so that a
 * conversation deleted and created again under the same id never sees the old batches, even those a
 * crashed deletion left behind.
 */
export class DynamoDbMessages {
  private readonly table: TableHandle;

  constructor(context: CatalogContext) {
    this.table = tableOf(context, 'messages');
  }

  /**
   * Stores the batch after the conversation's last message. The next seq comes from a consistent read of
   * the last batch; the write is conditioned on no batch having that first seq, and when another appender
   * took it first, the batch is numbered again from the new last batch. Batches thus always start right
   * after the previous one: never sharing a seq, never leaving a gap.
   */
  async append(
    conversation: ConversationIncarnation,
    messages: readonly PreparedMessage[],
  ): Promise<MessageRecord[]> {
    for (let round = 0; round < appendRounds; round++) {
      if (round > 0) await pause(backoffMs(round));
      const firstSeq = (await this.lastSeq(conversation)) + 1;
      const item = batchItem(conversation, firstSeq, messages);
      checkItemFits(
        item,
        `A batch of ${messages.length} messages`,
        'Append shorter messages, or fewer at a time.',
      );
      if (await putItem(this.table, item, expression('attribute_not_exists(#conversationKey)'))) {
        return this.messagesOf(item);
      }
    }
    throw new RetryableError(
      `Too many messages are being appended to conversation ${conversation.id} at once.`,
      {
        hint: 'Try again in a moment.',
      },
    );
  }

  /** Every message, oldest first; only the last `lastTurns` when given. */
  async list(conversation: ConversationIncarnation, lastTurns: number | undefined): Promise<MessageRecord[]> {
    if (lastTurns === 0) return [];
    const key = expression('#conversationKey = :key', { ':key': conversationKeyOf(conversation) });
    const query = {
      KeyConditionExpression: key.text,
      ExpressionAttributeNames: key.names,
      ExpressionAttributeValues: key.values,
      ConsistentRead: true,
    };
    if (lastTurns === undefined) {
      const batches = await collect(queryItems(this.table, { ...query, ScanIndexForward: true }));
      return batches.flatMap((batch) => this.messagesOf(batch));
    }
    const newestFirst: MessageRecord[][] = [];
    let count = 0;
    for await (const batch of queryItems(this.table, { ...query, ScanIndexForward: false, Limit: 10 })) {
      const messages = this.messagesOf(batch);
      newestFirst.push(messages);
      count += messages.length;
      if (count >= lastTurns) break;
    }
    return newestFirst.reverse().flat().slice(-lastTurns);
  }

  /** Removes one batch: an append whose conversation was deleted under it takes its batch back. */
  async deleteBatch(conversation: ConversationIncarnation, firstSeq: number): Promise<void> {
    await deleteItem(this.table, { conversationKey: conversationKeyOf(conversation), firstSeq });
  }

  /** Removes every batch of one incarnation of a conversation. */
  async deleteAll(conversation: ConversationIncarnation): Promise<void> {
    const key = expression('#conversationKey = :key', { ':key': conversationKeyOf(conversation) });
    const keys = queryItems(this.table, {
      KeyConditionExpression: key.text,
      ProjectionExpression: '#conversationKey, #firstSeq',
      ExpressionAttributeNames: { ...key.names, '#firstSeq': 'firstSeq' },
      ExpressionAttributeValues: key.values,
    });
    const requests: BatchRequest[] = [];
    for await (const batch of keys) {
      requests.push({
        DeleteRequest: { Key: { conversationKey: batch.conversationKey, firstSeq: batch.firstSeq } },
      });
    }
    await writeBatch(this.table, requests);
  }

  private async lastSeq(conversation: ConversationIncarnation): Promise<number> {
    const key = expression('#conversationKey = :key', { ':key': conversationKeyOf(conversation) });
    const last = queryItems(this.table, {
      KeyConditionExpression: key.text,
      ExpressionAttributeNames: key.names,
      ExpressionAttributeValues: key.values,
      ScanIndexForward: false,
      ConsistentRead: true,
      Limit: 1,
    });
    for await (const batch of last) return new ItemReader(batch, this.table.table).number('lastSeq');
    return 0;
  }

  private messagesOf(batch: Item): MessageRecord[] {
    const reader = new ItemReader(batch, this.table.table);
    const conversationId = reader.text('conversationId');
    return reader.mapList('messages').map((message) => {
      const fields = new ItemReader(message, this.table.table, { nested: true });
      return {
        conversationId,
        seq: fields.number('seq'),
        role: fields.oneOf('role', roles),
        content: fields.text('content'),
        metadata: fields.jsonObject('metadata'),
        createdAt: fields.text('createdAt'),
      };
    });
  }
}

/**
 * The partition of one incarnation's batches. Incarnations hold no `#`, so the last `#` splits the key
 * back into its id and incarnation: no two pairs give the same key.
 */
function conversationKeyOf(conversation: ConversationIncarnation): string {
  return `${conversation.id}#${conversation.incarnation}`;
}

function batchItem(
  conversation: ConversationIncarnation,
  firstSeq: number,
  messages: readonly PreparedMessage[],
): Item {
  return {
    conversationKey: conversationKeyOf(conversation),
    firstSeq,
    lastSeq: firstSeq + messages.length - 1,
    conversationId: conversation.id,
    incarnation: conversation.incarnation,
    messages: messages.map((message, index) => ({ seq: firstSeq + index, ...message })),
    schemaVersion: itemSchemaVersion,
  };
}
