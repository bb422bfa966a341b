import type Database from 'better-sqlite3';
import { duplicateConversation } from '../../core/catalog-input/catalog-conflicts.ts';
import { conversationNotFound } from '../../core/catalog-input/catalog-not-found.ts';
import { checkNewConversation, checkOwner } from '../../core/catalog-input/check-conversation.ts';
import { checkCount } from '../../core/catalog-input/field-checks.ts';
import { prepareMessages } from '../../core/catalog-input/prepare-messages.ts';
import type {
  ConversationRecord,
  MessageRecord,
  NewConversation,
  NewMessage,
} from '../../core/ports/catalog.ts';
import {
  conversationFromRow,
  conversationToRow,
  type MessageRow,
  messageFromRow,
} from './sqlite-catalog-rows.ts';
import type { CatalogStatements } from './sqlite-catalog-statements.ts';

/**
 * The conversation records of the SQLite catalog. Methods are synchronous and throw raw SQLite errors;
 * the catalog runs them inside its error translation, like its own methods.
 */
export class SqliteConversations {
  private readonly database: Database.Database;
  private readonly statements: CatalogStatements;

  constructor(database: Database.Database, statements: CatalogStatements) {
    this.database = database;
    this.statements = statements;
  }

  /** See `Catalog.createConversation`. */
  create(conversation: NewConversation): ConversationRecord {
    const record = checkNewConversation(conversation);
    if (this.statements.insertConversation.run(conversationToRow(record)).changes === 0) {
      throw duplicateConversation(record.id);
    }
    return record;
  }

  /** See `Catalog.getConversation`. */
  get(id: string): ConversationRecord | undefined {
    const row = this.statements.selectConversation.get(id);
    return row === undefined ? undefined : conversationFromRow(row);
  }

  /** See `Catalog.listConversations`. */
  list(options: { limit?: number; owner?: string | null }): ConversationRecord[] {
    const limit = checkCount('conversation limit', options.limit, 'Leave the limit out to list them all.');
    // The key's presence decides, not its value: `{ owner: undefined }` from a caller that lost track of
    // who is asking must not turn into "everyone's conversations".
    if (!Object.hasOwn(options, 'owner')) {
      return this.statements.selectConversations.all(limit ?? -1).map(conversationFromRow);
    }
    const owner = checkOwner(options.owner, 'The owner to list the conversations of');
    return this.statements.selectConversationsOfOwner.all(owner, limit ?? -1).map(conversationFromRow);
  }

  /** See `Catalog.listMessages`. */
  listMessages(conversationId: string, options: { lastTurns?: number }): MessageRecord[] {
    const lastTurns = checkCount('number of last turns', options.lastTurns, 'Leave it out to read them all.');
    // One read transaction, so the count and the messages come from the same snapshot even while another
    // process appends.
    const read = this.database.transaction(() => {
      const conversation = this.statements.selectConversation.get(conversationId);
      if (conversation === undefined) throw conversationNotFound(conversationId);
      const after = lastTurns === undefined ? 0 : Math.max(0, conversation.message_count - lastTurns);
      return this.statements.selectMessagesAfter.all(conversationId, after).map(messageFromRow);
    });
    return read();
  }

  /** See `Catalog.appendMessages`. */
  append(conversationId: string, messages: readonly NewMessage[]): MessageRecord[] {
    // Everything that can be refused is refused here, before the transaction writes a single row.
    const prepared = prepareMessages(messages);
    // IMMEDIATE takes the write lock before reading the count, so writers in other processes queue up
    // (for the busy timeout) instead of numbering their batch from the same count.
    const append = this.database.transaction(() => {
      const conversation = this.statements.selectConversation.get(conversationId);
      if (conversation === undefined) throw conversationNotFound(conversationId);
      const rows = prepared.map(
        (message, index): MessageRow => ({
          conversation_id: conversationId,
          seq: conversation.message_count + index + 1,
          role: message.role,
          content: message.content,
          metadata: message.metadata,
          created_at: message.createdAt,
        }),
      );
      for (const row of rows) this.statements.insertMessage.run(row);
      const last = rows.at(-1);
      this.statements.touchConversation.run({
        id: conversationId,
        updated_at: last?.created_at ?? conversation.updated_at,
        message_count: last?.seq ?? conversation.message_count,
      });
      return rows.map(messageFromRow);
    });
    return append.immediate();
  }

  /** See `Catalog.deleteConversation`. */
  delete(id: string): boolean {
    const remove = this.database.transaction(() => {
      this.statements.deleteMessages.run(id);
      return this.statements.deleteConversation.run(id).changes === 1;
    });
    return remove.immediate();
  }
}
