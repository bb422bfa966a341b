/** Who wrote a message of a conversation. */
export type MessageRole = 'user' | 'assistant';

/** One conversation with the assistant (`quarry chat`), which a later session can resume by id. */
export interface ConversationRecord {
  /** Chosen by the caller (a random UUID, say); compared exactly, case included. */
  id: string;
  /** The account that owns it, or `null` (conversations of the CLI). */
  owner: string | null;
  /** A short label for lists, e.g. the first question. */
  title: string;
  /** ISO 8601, as given to `createConversation`. */
  createdAt: string;
  /** `createdAt` of the last message appended, or `createdAt` while there is none. */
  updatedAt: string;
  /** How many messages the conversation holds; also the `seq` of its last message. */
  messageCount: number;
}

/** One message of a conversation, as stored. */
export interface MessageRecord {
  conversationId: string;
  /** Position in the conversation: 1 for the first message, then 2, 3, ... with no gaps. */
  seq: number;
  role: MessageRole;
  content: string;
  /**
   * Assistant turns: the standalone question used for retrieval, the model, the verified citations,
   * usage. Opaque to the catalog, which stores its JSON form: what comes back is
   * `JSON.parse(JSON.stringify(metadata))` (so `undefined` fields are dropped, dates become strings).
   */
  metadata: Record<string, unknown>;
  /** ISO 8601, stamped by the caller. */
  createdAt: string;
}

/** What a caller gives to add a conversation; the catalog fills in the rest. */
export type NewConversation = Pick<ConversationRecord, 'id' | 'title' | 'createdAt'> & {
  /** The account that owns it (server conversations); absent or `null` for the CLI's own. */
  owner?: string | null;
};

/** What a caller gives for one message to append; the catalog assigns `conversationId` and `seq`. */
export type NewMessage = Omit<MessageRecord, 'conversationId' | 'seq'>;

/**
 * Conversations with the assistant and their messages.
 *
 * Contract (checked by `conversation-catalog.contract.ts`):
 * - Conversation ids are compared exactly. `createConversation` of an existing id is a
 *   `ConflictError` that keeps the first record; an empty id is a `ValidationError`.
 *   `listConversations` returns the most recently updated first (ties by id, ascending).
 * - `appendMessages` is all or nothing: either every message of the batch is stored, with consecutive
 *   `seq` numbers following the conversation's last one, and `updatedAt` set to the last message's
 *   `createdAt`, or nothing changes at all. The assistant relies on this to store a question and its
 *   answer together only once the answer succeeded, so a failed model call never leaves half an exchange.
 *   Input is checked before anything is written: an empty batch, a role other than `user`/`assistant`, a
 *   non-string `content` or `createdAt`, or `metadata` that is not a JSON-serialisable plain object is a
 *   `ValidationError`; an unknown conversation a `NotFoundError`.
 * - Appends to one conversation from several callers or processes at once never share or skip a `seq`,
 *   and the messages of one batch stay next to each other.
 * - `listMessages` returns messages oldest first; `lastTurns: n` keeps only the last `n` messages (one
 *   turn is one message, so a question and its answer are two). An unknown conversation is a
 *   `NotFoundError`.
 * - `limit` and `lastTurns` must be whole numbers of 0 or more, else a `ValidationError`.
 * - `deleteConversation` removes the conversation and all its messages and says whether it existed; a
 *   new conversation created later with the same id starts empty.
 * - `listConversations({ owner })` keeps only the conversations of that owner (exact match; `null`
 *   selects the ones without an owner); without `owner` it lists them all.
 * - Conversation owners must be non-empty strings or `null` (else a `ValidationError`); `owner: undefined`
 *   given explicitly to `listConversations` is a `ValidationError` too, never "list them all".
 */
export interface ConversationCatalog {
  /** Adds an empty conversation and returns its record. */
  createConversation(conversation: NewConversation): Promise<ConversationRecord>;
  /** The conversation with exactly this id, or `undefined`. */
  getConversation(id: string): Promise<ConversationRecord | undefined>;
  /** Most recently updated first; at most `limit` of them when given; only `owner`'s when given. */
  listConversations(options?: { limit?: number; owner?: string | null }): Promise<ConversationRecord[]>;
  /** Oldest first; only the last `lastTurns` messages when given. */
  listMessages(conversationId: string, options?: { lastTurns?: number }): Promise<MessageRecord[]>;
  /** Appends the batch atomically and returns the stored messages, exactly as `listMessages` will. */
  appendMessages(conversationId: string, messages: readonly NewMessage[]): Promise<MessageRecord[]>;
  /** True when the conversation existed (it and its messages are gone now), false otherwise. */
  deleteConversation(id: string): Promise<boolean>;
}
