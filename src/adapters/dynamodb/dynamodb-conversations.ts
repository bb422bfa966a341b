import { duplicateConversation } from '../../core/catalog-input/catalog-conflicts.ts';
import { conversationNotFound } from '../../core/catalog-input/catalog-not-found.ts';
import { checkNewConversation } from '../../core/catalog-input/check-conversation.ts';
import { checkCount } from '../../core/catalog-input/field-checks.ts';
import { prepareMessages } from '../../core/catalog-input/prepare-messages.ts';
import type {
  ConversationRecord,
  MessageRecord,
  NewConversation,
  NewMessage,
} from '../../core/ports/catalog.ts';
import { type CatalogContext, tableOf } from './catalog-context.ts';
import {
  checkConversationKeys,
  checkMessageKeys,
  checkOwnerKey,
  conversationIdBytes,
} from './conversation-keys.ts';
import { expression } from './dynamodb-expressions.ts';
import {
  checkSchemaVersion,
  type Item,
  ItemReader,
  isPossibleKeyText,
  itemSchemaVersion,
} from './dynamodb-items.ts';
import { type ConversationIncarnation, DynamoDbMessages } from './dynamodb-messages.ts';
import {
  deleteItem,
  getItem,
  putItem,
  queryItems,
  scanItems,
  type TableHandle,
  updateItem,
} from './dynamodb-requests.ts';
import { catalogIndexes } from './dynamodb-tables.ts';
import { takeNewestFirst } from './newest-first.ts';
import { asciiLowerCase, compareText } from './text-order.ts';

/** The value of `kind` every conversation shares: the partition of the index of all by update time. */
const conversationKind = 'conversation';

/**
 * Conversations, one item each keyed by id, with their messages in {@link DynamoDbMessages}. Each item
 * carries an `incarnation` made when it is created; messages are keyed by it, so a conversation created
 * again under a deleted one's id starts empty. Lists come from two indexes sorted by `updatedAt`: by
 * `ownerKey` (`owner:<name>`, or `no-owner`) and all together (`kind`).
 */
export class DynamoDbConversations {
  private readonly table: TableHandle;
  private readonly context: CatalogContext;
  private readonly messages: DynamoDbMessages;

  constructor(context: CatalogContext) {
    this.context = context;
    this.table = tableOf(context, 'conversations');
    this.messages = new DynamoDbMessages(context);
  }

  /** See `ConversationCatalog.createConversation`. */
  async create(conversation: NewConversation): Promise<ConversationRecord> {
    const record = checkNewConversation(conversation);
    checkConversationKeys(record);
    const item = {
      ...record,
      ownerKey: ownerKeyOf(record.owner),
      kind: conversationKind,
      incarnation: this.context.newId(),
      schemaVersion: itemSchemaVersion,
    };
    if (!(await putItem(this.table, item, expression('attribute_not_exists(#id)')))) {
      throw duplicateConversation(record.id);
    }
    return record;
  }

  /** See `ConversationCatalog.getConversation`. */
  async get(id: string): Promise<ConversationRecord | undefined> {
    const item = await this.read(id);
    return item === undefined ? undefined : this.fromItem(item);
  }

  /** See `ConversationCatalog.listConversations`. */
  async list(options: { limit?: number; owner?: string | null } = {}): Promise<ConversationRecord[]> {
    const limit = checkCount('conversation limit', options.limit, 'Leave the limit out to list them all.');
    // The key's presence decides, not its value: `{ owner: undefined }` from a caller that lost track of
    // who is asking must not turn into "everyone's conversations".
    const partition = Object.hasOwn(options, 'owner')
      ? {
          index: catalogIndexes.conversationsByOwner,
          condition: expression('#ownerKey = :partition', {
            ':partition': ownerKeyOf(checkOwnerKey(options.owner, 'The owner to list the conversations of')),
          }),
        }
      : {
          index: catalogIndexes.conversationsByUpdate,
          condition: expression('#kind = :partition', { ':partition': conversationKind }),
        };
    const items = queryItems(this.table, {
      IndexName: partition.index,
      KeyConditionExpression: partition.condition.text,
      ExpressionAttributeNames: partition.condition.names,
      ExpressionAttributeValues: partition.condition.values,
      ScanIndexForward: false,
      ...(limit === undefined ? {} : { Limit: Math.min(limit + 1, 1000) }),
    });
    return takeNewestFirst(items, {
      limit,
      sortKeyOf: (item) => String(item.updatedAt),
      convert: (item) => this.fromItem(item),
      compare: (left, right) =>
        compareText(right.updatedAt, left.updatedAt) || compareText(left.id, right.id),
    });
  }

  /** See `ConversationCatalog.listMessages`. */
  async listMessages(conversationId: string, options: { lastTurns?: number } = {}): Promise<MessageRecord[]> {
    const lastTurns = checkCount('number of last turns', options.lastTurns, 'Leave it out to read them all.');
    const item = await this.read(conversationId);
    if (item === undefined) throw conversationNotFound(conversationId);
    return this.messages.list(this.incarnationOf(item), lastTurns);
  }

  /**
   * See `ConversationCatalog.appendMessages`. The batch item is the commit point; then `updatedAt` and
   * `messageCount` move forward with an update conditioned on the count being lower, so batches landing
   * out of order never move them back, and on the incarnation, so a conversation deleted meanwhile is
   * noticed (the batch is taken back and the append refused).
   */
  async append(conversationId: string, messages: readonly NewMessage[]): Promise<MessageRecord[]> {
    const prepared = prepareMessages(messages);
    checkMessageKeys(prepared);
    const item = await this.read(conversationId);
    if (item === undefined) throw conversationNotFound(conversationId);
    const conversation = this.incarnationOf(item);
    const stored = await this.messages.append(conversation, prepared);
    const [first, last] = [stored[0], stored.at(-1)];
    if (first === undefined || last === undefined) return stored;
    const moved = await updateItem(
      this.table,
      { id: conversation.id },
      expression('SET #updatedAt = :updatedAt, #messageCount = :count', {
        ':updatedAt': last.createdAt,
        ':count': last.seq,
      }),
      expression('#incarnation = :incarnation AND #messageCount < :count', {
        ':incarnation': conversation.incarnation,
      }),
    );
    if (moved === undefined) await this.checkStillThere(conversation, first.seq);
    return stored;
  }

  /** See `ConversationCatalog.deleteConversation`: the item goes first, so the deletion is whole at once. */
  async delete(id: string): Promise<boolean> {
    if (!isPossibleKeyText(id, conversationIdBytes)) return false;
    const outcome = await deleteItem(this.table, { id });
    if (!outcome.deleted || outcome.old === undefined) return false;
    await this.messages.deleteAll(this.incarnationOf(outcome.old));
    return true;
  }

  /**
   * Deletes every conversation whose owner is `owner` ignoring case, as a removed account takes its
   * conversations with it. A scan: accounts are removed rarely, and the owner index matches exactly.
   */
  async deleteOwnedBy(owner: string): Promise<void> {
    const wanted = asciiLowerCase(owner);
    const projection = expression('#id, #owner, #incarnation, #schemaVersion');
    const items = scanItems(this.table, {
      ProjectionExpression: projection.text,
      ExpressionAttributeNames: projection.names,
    });
    for await (const item of items) {
      if (typeof item.owner !== 'string' || asciiLowerCase(item.owner) !== wanted) continue;
      const conversation = this.incarnationOf(item);
      const condition = expression('#incarnation = :incarnation', {
        ':incarnation': conversation.incarnation,
      });
      if ((await deleteItem(this.table, { id: conversation.id }, condition)).deleted) {
        await this.messages.deleteAll(conversation);
      }
    }
  }

  private async checkStillThere(conversation: ConversationIncarnation, firstSeq: number): Promise<void> {
    const current = await getItem(this.table, { id: conversation.id });
    if (current !== undefined && current.incarnation === conversation.incarnation) {
      // A later batch moved the conversation further already: nothing left to do.
      checkSchemaVersion(current, this.table.table);
      return;
    }
    await this.messages.deleteBatch(conversation, firstSeq);
    throw conversationNotFound(conversation.id);
  }

  private async read(id: string): Promise<Item | undefined> {
    if (!isPossibleKeyText(id, conversationIdBytes)) return undefined;
    return getItem(this.table, { id });
  }

  private incarnationOf(item: Item): ConversationIncarnation {
    const reader = new ItemReader(item, this.table.table);
    return { id: reader.text('id'), incarnation: reader.text('incarnation') };
  }

  private fromItem(item: Item): ConversationRecord {
    const reader = new ItemReader(item, this.table.table);
    return {
      id: reader.text('id'),
      owner: reader.optionalText('owner'),
      title: reader.text('title'),
      createdAt: reader.text('createdAt'),
      updatedAt: reader.text('updatedAt'),
      messageCount: reader.number('messageCount'),
    };
  }
}

/** The partition of a conversation in the owner index: a prefix keeps "no owner" apart from every name. */
function ownerKeyOf(owner: string | null): string {
  return owner === null ? 'no-owner' : `owner:${owner}`;
}
