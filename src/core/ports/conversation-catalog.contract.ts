import { beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../errors/index.ts';
import { type CatalogUnderTest, describeCatalogSuite } from './catalog-suite.contract.ts';
import type {
  ConversationCatalog,
  ConversationRecord,
  MessageRecord,
  NewMessage,
} from './conversation-catalog.ts';

/** Registers the suite that checks every rule of the `ConversationCatalog` port's contract. */
export function describeConversationCatalogContract(
  name: string,
  createCatalog: () => Promise<CatalogUnderTest<ConversationCatalog>>,
): void {
  describeCatalogSuite(`ConversationCatalog contract: ${name}`, createCatalog, (catalog) => {
    describeConversationRules(catalog);
    describeMessageRules(catalog);
    describeAtomicAppendRules(catalog);
  });
}

function minute(value: number): string {
  return new Date(Date.UTC(2025, 3, 1, 9, value)).toISOString();
}

function messageOf(role: NewMessage['role'], content: string, at: number, metadata = {}): NewMessage {
  return { role, content, metadata, createdAt: minute(at) };
}

/** A question and its answer, as the assistant appends them once the answer succeeded. */
function exchangeOf(question: string, at: number): NewMessage[] {
  return [
    messageOf('user', question, at),
    messageOf('assistant', `Answer to ${question}`, at + 1, { model: 'test-model', citations: [] }),
  ];
}

function describeConversationRules(catalog: () => ConversationCatalog): void {
  describe('conversations', () => {
    it('creates an empty conversation and finds it by its exact id', async () => {
      const created = await catalog().createConversation({
        id: 'Chat-1',
        title: 'Tar',
        createdAt: minute(0),
      });
      const expected: ConversationRecord = {
        id: 'Chat-1',
        owner: null,
        title: 'Tar',
        createdAt: minute(0),
        updatedAt: minute(0),
        messageCount: 0,
      };
      expect(created).toEqual(expected);
      expect(await catalog().getConversation('Chat-1')).toEqual(expected);
      expect(await catalog().getConversation('chat-1')).toBeUndefined();
      expect(await catalog().getConversation('chat-2')).toBeUndefined();
    });

    it('refuses an id already present and keeps the first record', async () => {
      await catalog().createConversation({ id: 'chat-1', title: 'First', createdAt: minute(0) });
      await expect(
        catalog().createConversation({ id: 'chat-1', title: 'Second', createdAt: minute(5) }),
      ).rejects.toBeInstanceOf(ConflictError);
      expect(await catalog().getConversation('chat-1')).toMatchObject({
        title: 'First',
        createdAt: minute(0),
      });
    });

    it('refuses an empty id', async () => {
      await expect(
        catalog().createConversation({ id: '', title: 'Nameless', createdAt: minute(0) }),
      ).rejects.toBeInstanceOf(ValidationError);
      expect(await catalog().listConversations()).toEqual([]);
    });

    it('lists the most recently updated first, ties by id, and limits', async () => {
      await catalog().createConversation({ id: 'b', title: 'B', createdAt: minute(1) });
      await catalog().createConversation({ id: 'a', title: 'A', createdAt: minute(1) });
      await catalog().createConversation({ id: 'c', title: 'C', createdAt: minute(2) });
      const ids = async (options?: { limit?: number }) =>
        (await catalog().listConversations(options)).map((conversation) => conversation.id);
      expect(await ids()).toEqual(['c', 'a', 'b']);

      await catalog().appendMessages('b', exchangeOf('tar?', 10));
      expect(await ids()).toEqual(['b', 'c', 'a']);
      expect(await ids({ limit: 2 })).toEqual(['b', 'c']);
      expect(await ids({ limit: 0 })).toEqual([]);
    });

    it('lists nothing when empty and refuses a limit that is not a whole number of 0 or more', async () => {
      expect(await catalog().listConversations()).toEqual([]);
      await expect(catalog().listConversations({ limit: -1 })).rejects.toBeInstanceOf(ValidationError);
      await expect(catalog().listConversations({ limit: 1.5 })).rejects.toBeInstanceOf(ValidationError);
    });

    it('deletes a conversation with its messages, and only that one', async () => {
      await catalog().createConversation({ id: 'chat-1', title: 'One', createdAt: minute(0) });
      await catalog().createConversation({ id: 'chat-2', title: 'Two', createdAt: minute(0) });
      await catalog().appendMessages('chat-1', exchangeOf('one?', 1));
      await catalog().appendMessages('chat-2', exchangeOf('two?', 1));

      expect(await catalog().deleteConversation('chat-1')).toBe(true);
      expect(await catalog().getConversation('chat-1')).toBeUndefined();
      await expect(catalog().listMessages('chat-1')).rejects.toBeInstanceOf(NotFoundError);
      expect((await catalog().listConversations()).map((conversation) => conversation.id)).toEqual([
        'chat-2',
      ]);
      expect(await catalog().listMessages('chat-2')).toHaveLength(2);
      expect(await catalog().deleteConversation('chat-1')).toBe(false);
      expect(await catalog().deleteConversation('never-created')).toBe(false);

      // A conversation created again under the old id must not inherit the deleted messages.
      await catalog().createConversation({ id: 'chat-1', title: 'Again', createdAt: minute(9) });
      expect(await catalog().listMessages('chat-1')).toEqual([]);
      expect(await catalog().appendMessages('chat-1', [messageOf('user', 'hi', 10)])).toMatchObject([
        { seq: 1 },
      ]);
    });
  });
}

function describeMessageRules(catalog: () => ConversationCatalog): void {
  describe('messages', () => {
    beforeEach(async () => {
      await catalog().createConversation({ id: 'chat', title: 'Chat', createdAt: minute(0) });
    });

    it('numbers messages from 1 in order across appends and moves updatedAt to the last one', async () => {
      const batches = [exchangeOf('one?', 1), [...exchangeOf('two?', 3), messageOf('user', 'three?', 5)]];
      const first = await catalog().appendMessages('chat', batches[0] ?? []);
      const second = await catalog().appendMessages('chat', batches[1] ?? []);
      const expected: MessageRecord[] = batches
        .flat()
        .map((message, index) => ({ conversationId: 'chat', seq: index + 1, ...message }));
      expect([...first, ...second]).toEqual(expected);
      expect(await catalog().listMessages('chat')).toEqual(expected);
      expect(await catalog().getConversation('chat')).toEqual({
        id: 'chat',
        owner: null,
        title: 'Chat',
        createdAt: minute(0),
        updatedAt: minute(5),
        messageCount: 5,
      });
    });

    it('keeps the messages of each conversation apart, each numbered from 1', async () => {
      await catalog().createConversation({ id: 'other', title: 'Other', createdAt: minute(0) });
      await catalog().appendMessages('chat', exchangeOf('mine?', 1));
      await catalog().appendMessages('other', [messageOf('user', 'theirs?', 2)]);
      expect((await catalog().listMessages('chat')).map((message) => message.content)).toEqual([
        'mine?',
        'Answer to mine?',
      ]);
      expect(await catalog().listMessages('other')).toEqual([
        { conversationId: 'other', seq: 1, ...messageOf('user', 'theirs?', 2) },
      ]);
    });

    it('returns the metadata and content exactly as their JSON round trip', async () => {
      const metadata = {
        standaloneQuestion: 'Wie entpacke ich ein Archiv? 🗜️',
        model: 'bedrock/anthropic.claude',
        citations: [{ source: 'repo', path: 'src/日本語.ts', lines: [3, 14], score: 0.875 }],
        usage: { inputTokens: 1200, outputTokens: 0, cached: null, nested: { deeper: { deepest: true } } },
        rtl: 'שלום עולם',
        empty: '',
        dropped: undefined,
        when: new Date(Date.UTC(2025, 0, 1)),
      };
      const content = 'Line one\nLine two with "quotes", a tab\t, and emoji 👩‍💻 and \\backslash\\';
      const [stored] = await catalog().appendMessages('chat', [messageOf('assistant', content, 1, metadata)]);
      const roundTripped = JSON.parse(JSON.stringify(metadata)) as Record<string, unknown>;
      expect(stored?.metadata).toEqual(roundTripped);
      expect(stored?.metadata).not.toHaveProperty('dropped');
      expect(stored?.metadata.when).toBe('2025-01-01T00:00:00.000Z');
      const [listed] = await catalog().listMessages('chat');
      expect(listed).toEqual(stored);
      expect(listed?.content).toBe(content);
    });

    it('returns only the last turns when asked, oldest first', async () => {
      for (let index = 0; index < 3; index++)
        await catalog().appendMessages('chat', exchangeOf(`q${index}?`, index * 2));
      const seqs = async (lastTurns: number) =>
        (await catalog().listMessages('chat', { lastTurns })).map((message) => message.seq);
      expect(await seqs(4)).toEqual([3, 4, 5, 6]);
      expect(await seqs(1)).toEqual([6]);
      expect(await seqs(6)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(await seqs(50)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(await seqs(0)).toEqual([]);
      await expect(catalog().listMessages('chat', { lastTurns: -2 })).rejects.toBeInstanceOf(ValidationError);
      await expect(catalog().listMessages('chat', { lastTurns: 2.5 })).rejects.toBeInstanceOf(
        ValidationError,
      );
    });

    it('lists no messages for a new conversation and refuses an unknown one', async () => {
      expect(await catalog().listMessages('chat')).toEqual([]);
      expect(await catalog().listMessages('chat', { lastTurns: 3 })).toEqual([]);
      await expect(catalog().listMessages('no-such-chat')).rejects.toBeInstanceOf(NotFoundError);
    });
  });
}

/** The rules that keep history whole: a batch is stored entirely or not at all. */
function describeAtomicAppendRules(catalog: () => ConversationCatalog): void {
  describe('appending is all or nothing', () => {
    const history = exchangeOf('kept?', 1);

    beforeEach(async () => {
      await catalog().createConversation({ id: 'chat', title: 'Chat', createdAt: minute(0) });
      await catalog().appendMessages('chat', history);
    });

    async function expectHistoryUnchanged(): Promise<void> {
      expect((await catalog().listMessages('chat')).map((message) => message.content)).toEqual([
        'kept?',
        'Answer to kept?',
      ]);
      expect(await catalog().getConversation('chat')).toMatchObject({
        updatedAt: minute(2),
        messageCount: 2,
      });
    }

    it('refuses to append to an unknown conversation and writes nothing', async () => {
      await expect(catalog().appendMessages('ghost', exchangeOf('lost?', 5))).rejects.toBeInstanceOf(
        NotFoundError,
      );
      expect(await catalog().getConversation('ghost')).toBeUndefined();
      // Created afterwards, the conversation must not pick up rows left behind by the refused append.
      await catalog().createConversation({ id: 'ghost', title: 'Ghost', createdAt: minute(6) });
      expect(await catalog().listMessages('ghost')).toEqual([]);
      await expectHistoryUnchanged();
    });

    it('refuses an empty batch', async () => {
      await expect(catalog().appendMessages('chat', [])).rejects.toBeInstanceOf(ValidationError);
      await expectHistoryUnchanged();
    });

    it('refuses a whole batch when a later message has a role other than user or assistant', async () => {
      const batch = [
        ...exchangeOf('new?', 5),
        { ...messageOf('user', 'sneaky', 7), role: 'system' } as unknown as NewMessage,
      ];
      await expect(catalog().appendMessages('chat', batch)).rejects.toBeInstanceOf(ValidationError);
      await expectHistoryUnchanged();
      expect(await catalog().appendMessages('chat', exchangeOf('next?', 8))).toMatchObject([
        { seq: 3 },
        { seq: 4 },
      ]);
    });

    it('refuses a whole batch when some metadata cannot be stored as a JSON object', async () => {
      const circular: Record<string, unknown> = { name: 'loop' };
      circular.self = circular;
      const refused: unknown[] = [circular, { tokens: 10n }, ['not', 'an', 'object'], null, 'text'];
      for (const metadata of refused) {
        const batch = [
          messageOf('user', 'fine?', 5),
          { ...messageOf('assistant', 'bad', 6), metadata } as unknown as NewMessage,
        ];
        await expect(catalog().appendMessages('chat', batch)).rejects.toBeInstanceOf(ValidationError);
      }
      await expectHistoryUnchanged();
    });

    it('refuses a whole batch when content or createdAt is not a string', async () => {
      const badContent = { ...messageOf('assistant', '', 6), content: 42 } as unknown as NewMessage;
      const badTime = { ...messageOf('assistant', 'ok', 6), createdAt: undefined } as unknown as NewMessage;
      for (const bad of [badContent, badTime]) {
        await expect(
          catalog().appendMessages('chat', [messageOf('user', 'q', 5), bad]),
        ).rejects.toBeInstanceOf(ValidationError);
      }
      await expectHistoryUnchanged();
    });

    it('gives simultaneous appends their own seq numbers and keeps each batch together', async () => {
      const batches = Array.from({ length: 6 }, (_, index) => exchangeOf(`q${index}?`, 10 + index * 2));
      await Promise.all(batches.map((batch) => catalog().appendMessages('chat', batch)));
      const messages = await catalog().listMessages('chat');
      expect(messages.map((message) => message.seq)).toEqual(
        Array.from({ length: 14 }, (_, index) => index + 1),
      );
      for (let seq = 3; seq <= 14; seq += 2) {
        const [question, answer] = [messages[seq - 1], messages[seq]];
        expect(answer?.content).toBe(`Answer to ${question?.content}`);
      }
      expect(await catalog().getConversation('chat')).toMatchObject({ messageCount: 14 });
    });
  });
}
