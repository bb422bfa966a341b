import type Database from 'better-sqlite3';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors/index.ts';
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
    checkNewConversation(conversation);
    const record: ConversationRecord = {
      id: conversation.id,
      owner: conversation.owner ?? null,
      title: conversation.title,
      createdAt: conversation.createdAt,
      updatedAt: conversation.createdAt,
      messageCount: 0,
    };
    if (this.statements.insertConversation.run(conversationToRow(record)).changes === 0) {
      throw new ConflictError(`Conversation ${conversation.id} already exists.`, {
        hint: 'Give every new conversation a new id, or append to the existing one.',
      });
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
          ...message,
          conversation_id: conversationId,
          seq: conversation.message_count + index + 1,
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

/** A message checked and ready to insert, missing only its conversation and seq. */
type PreparedMessage = Omit<MessageRow, 'conversation_id' | 'seq'>;

function checkNewConversation(conversation: NewConversation): void {
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
  if (conversation.owner !== undefined) {
    checkOwner(conversation.owner, `The owner of conversation ${conversation.id}`);
  }
}

/** Returns `owner` when it is a non-empty string or `null`; throws `ValidationError` otherwise. */
function checkOwner(owner: unknown, what: string): string | null {
  if (owner === null || (typeof owner === 'string' && owner !== '')) return owner;
  throw new ValidationError(`${what} must be an account name or null.`, {
    hint: 'Pass the id of the signed-in account, or null for the conversations started from the CLI.',
  });
}

function prepareMessages(messages: readonly NewMessage[]): PreparedMessage[] {
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
    metadata: serialiseMetadata(message.metadata, position),
    created_at: message.createdAt,
  };
}

function serialiseMetadata(metadata: unknown, position: number): string {
  const refusal = `The metadata of message ${position} of the batch must be a plain object that JSON can store.`;
  const hint = 'Keep metadata to objects, arrays, strings, numbers, booleans and null, with no cycles.';
  let text: string | undefined;
  try {
    text = JSON.stringify(metadata);
  } catch (error) {
    // Cycles and BigInt values land here.
    throw new ValidationError(refusal, { cause: error, hint });
  }
  // A toJSON method may turn an object into something else, so the JSON text decides, not the value.
  if (text === undefined || !text.startsWith('{')) throw new ValidationError(refusal, { hint });
  return text;
}

/** Returns `value` when it is absent or a whole number of 0 or more; throws `ValidationError` otherwise. */
function checkCount(what: string, value: number | undefined, hint: string): number | undefined {
  if (value === undefined || (Number.isSafeInteger(value) && value >= 0)) return value;
  throw new ValidationError(`The ${what} must be a whole number of 0 or more, got ${value}.`, { hint });
}

function conversationNotFound(id: string): NotFoundError {
  return new NotFoundError(`Conversation ${id} does not exist.`, {
    hint: 'List the conversations to check the id, or start a new one.',
  });
}
