import { DeleteCommand, DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDynalite, startDynalite, uniqueTablePrefix } from '../../../test/support/dynalite.ts';
import { NotFoundError, ValidationError } from '../../core/errors/index.ts';
import type { Catalog, MessageRecord, NewMessage } from '../../core/ports/catalog.ts';
import { createDynamoDbCatalog } from './dynamodb-catalog.ts';
import { catalogTables } from './dynamodb-tables.ts';

let dynalite: RunningDynalite;
let documents: DynamoDBDocumentClient;

beforeAll(async () => {
  dynalite = await startDynalite();
  documents = DynamoDBDocumentClient.from(dynalite.client);
});

afterAll(async () => {
  await dynalite?.close();
});

/** Two catalogs on the same tables: two processes sharing the catalog, as far as DynamoDB can tell. */
function openTwice(): { first: Catalog; second: Catalog; tablePrefix: string } {
  const tablePrefix = uniqueTablePrefix();
  const open = () => createDynamoDbCatalog({ tablePrefix, createTables: true, client: dynalite.client });
  return { first: open(), second: open(), tablePrefix };
}

function at(minute: number): string {
  return new Date(Date.UTC(2025, 3, 1, 9, minute)).toISOString();
}

/** A batch of `size` messages from `writer`, the first a question, numbered for checking order. */
function batchOf(writer: string, index: number, size: number): NewMessage[] {
  return Array.from({ length: size }, (_, position) => ({
    role: position === 0 ? 'user' : 'assistant',
    content: `${writer}/${index}/${position}`,
    metadata: { writer, index, position, size },
    createdAt: at(index),
  }));
}

describe('DynamoDB conversations without transactions', () => {
  it('numbers many simultaneous appends from two processes 1, 2, 3, ... keeping each batch together', async () => {
    const { first, second } = openTwice();
    await first.createConversation({ id: 'busy', title: 'Busy', createdAt: at(0) });
    const writers = Array.from({ length: 8 }, (_, writer) => ({
      name: `w${writer}`,
      catalog: writer % 2 ? first : second,
    }));
    const batchesPerWriter = 3;
    await Promise.all(
      writers.map(async (writer) => {
        for (let index = 0; index < batchesPerWriter; index++) {
          await writer.catalog.appendMessages('busy', batchOf(writer.name, index, 1 + (index % 3)));
        }
      }),
    );

    const messages = await second.listMessages('busy');
    const total = writers.length * (1 + 2 + 3);
    expect(messages.map((message) => message.seq)).toEqual(
      Array.from({ length: total }, (_, index) => index + 1),
    );
    expectBatchesTogether(messages);
    const last = messages.at(-1);
    expect(await first.getConversation('busy')).toMatchObject({
      messageCount: total,
      updatedAt: last?.createdAt,
    });
  });

  it('refuses a batch larger than one DynamoDB item can hold, storing none of it', async () => {
    const { first } = openTwice();
    await first.createConversation({ id: 'chat', title: 'Chat', createdAt: at(0) });
    await first.appendMessages('chat', batchOf('kept', 1, 2));
    const huge = batchOf('huge', 2, 2).map((message) => ({ ...message, content: 'x'.repeat(250_000) }));

    const refusal = first.appendMessages('chat', huge);
    await expect(refusal).rejects.toBeInstanceOf(ValidationError);
    await expect(refusal).rejects.toThrow(/400 KB/);
    expect((await first.listMessages('chat')).map((message) => message.content)).toEqual([
      'kept/1/0',
      'kept/1/1',
    ]);
    expect(await first.getConversation('chat')).toMatchObject({ messageCount: 2 });
  });

  it('starts a re-created conversation empty even when the old messages were never cleaned up', async () => {
    const { first, tablePrefix } = openTwice();
    await first.createConversation({ id: 'chat', title: 'Old', createdAt: at(0) });
    await first.appendMessages('chat', batchOf('old', 1, 2));
    // A deletion that crashed after removing the conversation item, before removing its messages.
    const tables = catalogTables(tablePrefix);
    await documents.send(new DeleteCommand({ TableName: tables.conversations.name, Key: { id: 'chat' } }));
    expect(await countItems(tables.messages.name)).toBe(1);

    await first.createConversation({ id: 'chat', title: 'New', createdAt: at(5) });
    expect(await first.listMessages('chat')).toEqual([]);
    expect(await first.appendMessages('chat', batchOf('new', 6, 1))).toMatchObject([
      { seq: 1, content: 'new/6/0' },
    ]);
    expect(await first.listMessages('chat', { lastTurns: 5 })).toMatchObject([{ seq: 1 }]);
  });

  it('never lets an append racing a deletion leak into the conversation created next', async () => {
    const { first, second, tablePrefix } = openTwice();
    for (let round = 0; round < 5; round++) {
      const id = `race-${round}`;
      await first.createConversation({ id, title: 'Racing', createdAt: at(0) });
      const outcomes = await Promise.allSettled([
        first.appendMessages(id, batchOf('late', 1, 2)),
        second.deleteConversation(id),
      ]);
      const [append] = outcomes;
      if (append?.status === 'rejected') expect(append.reason).toBeInstanceOf(NotFoundError);
      await first.createConversation({ id, title: 'Fresh', createdAt: at(9) });
      expect(await first.listMessages(id)).toEqual([]);
      expect(await first.getConversation(id)).toMatchObject({ messageCount: 0, title: 'Fresh' });
    }
    const leftovers = await countItems(catalogTables(tablePrefix).messages.name);
    expect(leftovers).toBe(0);
  });

  it('stores each appended batch as one readable item keyed by conversation incarnation and first seq', async () => {
    const { first, tablePrefix } = openTwice();
    await first.createConversation({ id: 'chat', title: 'Chat', createdAt: at(0) });
    await first.appendMessages('chat', batchOf('one', 1, 2));
    await first.appendMessages('chat', batchOf('two', 2, 1));
    const output = await documents.send(
      new ScanCommand({ TableName: catalogTables(tablePrefix).messages.name }),
    );
    const items = (output.Items ?? []).sort((left, right) => Number(left.firstSeq) - Number(right.firstSeq));
    expect(items).toEqual([
      expect.objectContaining({ conversationId: 'chat', firstSeq: 1, lastSeq: 2, schemaVersion: 1 }),
      expect.objectContaining({ conversationId: 'chat', firstSeq: 3, lastSeq: 3, schemaVersion: 1 }),
    ]);
    expect(items[0]?.conversationKey).toBe(`chat#${items[0]?.incarnation}`);
    expect(items[0]?.messages).toEqual([
      expect.objectContaining({ seq: 1, role: 'user', content: 'one/1/0', createdAt: at(1) }),
      expect.objectContaining({ seq: 2, role: 'assistant', content: 'one/1/1' }),
    ]);
  });
});

/** Checks that the messages of each batch sit next to each other, in their order. */
function expectBatchesTogether(messages: MessageRecord[]): void {
  let index = 0;
  while (index < messages.length) {
    const first = messages[index]?.metadata as { writer: string; index: number; size: number };
    for (let position = 0; position < first.size; position++) {
      expect(messages[index + position]?.content).toBe(`${first.writer}/${first.index}/${position}`);
    }
    index += first.size;
  }
}

async function countItems(table: string): Promise<number> {
  const output = await documents.send(new ScanCommand({ TableName: table, Select: 'COUNT' }));
  return output.Count ?? 0;
}
