import {
  BatchWriteCommand,
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  ScanCommand,
  type ScanCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError, RetryableError } from '../../core/errors/index.ts';
import { conditionRequest, type Expression, updateRequest } from './dynamodb-expressions.ts';
import { checkSchemaVersion, type Item } from './dynamodb-items.ts';
import { isConditionFailure, translateDynamoDbError } from './translate-dynamodb-error.ts';

/** One table and the client that reaches it: what every item request needs. */
export interface TableHandle {
  documents: DynamoDBDocumentClient;
  table: string;
}

/** Runs one request, turning any failure into a Quarry error that names the table and the action. */
export async function request<Result>(
  handle: TableHandle,
  action: string,
  work: () => Promise<Result>,
): Promise<Result> {
  try {
    return await work();
  } catch (error) {
    throw translateDynamoDbError(error, { action, table: handle.table });
  }
}

/** Runs a conditional request: `undefined` when its condition did not hold, its result otherwise. */
async function conditional<Result>(
  handle: TableHandle,
  action: string,
  work: () => Promise<Result>,
): Promise<Result | undefined> {
  try {
    return await work();
  } catch (error) {
    if (isConditionFailure(error)) return undefined;
    throw translateDynamoDbError(error, { action, table: handle.table });
  }
}

/** Reads one item by its key with a strongly consistent read. */
export async function getItem(handle: TableHandle, key: Item): Promise<Item | undefined> {
  const { documents, table } = handle;
  const output = await request(handle, 'read an item', () =>
    documents.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true })),
  );
  return output.Item;
}

/** Writes `item` when `condition` holds (always without one); says whether it was written. */
export async function putItem(handle: TableHandle, item: Item, condition?: Expression): Promise<boolean> {
  const { documents, table } = handle;
  const written = await conditional(handle, 'write an item', () =>
    documents.send(new PutCommand({ TableName: table, Item: item, ...conditionRequest(condition) })),
  );
  return written !== undefined;
}

/** Updates the item at `key` when `condition` holds; returns the whole new item, or `undefined`. */
export async function updateItem(
  handle: TableHandle,
  key: Item,
  update: Expression,
  condition?: Expression,
): Promise<Item | undefined> {
  const { documents, table } = handle;
  const output = await conditional(handle, 'update an item', () =>
    documents.send(
      new UpdateCommand({
        TableName: table,
        Key: key,
        ...updateRequest(update, condition),
        ReturnValues: 'ALL_NEW',
      }),
    ),
  );
  return output === undefined ? undefined : (output.Attributes ?? {});
}

/** What a conditional delete did. */
export type DeleteOutcome = { deleted: true; old: Item | undefined } | { deleted: false };

/** Deletes the item at `key` when `condition` holds, returning what it held (if anything). */
export async function deleteItem(
  handle: TableHandle,
  key: Item,
  condition?: Expression,
): Promise<DeleteOutcome> {
  const { documents, table } = handle;
  const output = await conditional(handle, 'delete an item', () =>
    documents.send(
      new DeleteCommand({
        TableName: table,
        Key: key,
        ...conditionRequest(condition),
        ReturnValues: 'ALL_OLD',
      }),
    ),
  );
  return output === undefined ? { deleted: false } : { deleted: true, old: output.Attributes };
}

/** Every item a query matches, page after page (following `LastEvaluatedKey`). */
export async function* queryItems(
  handle: TableHandle,
  input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
): AsyncGenerator<Item> {
  let startKey: Item | undefined;
  do {
    const page = await request(handle, 'query items', () =>
      handle.documents.send(
        new QueryCommand({
          ...input,
          TableName: handle.table,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      ),
    );
    yield* page.Items ?? [];
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
}

/** How many items a query matches (after its filter), counted page after page without reading them. */
export async function countItems(
  handle: TableHandle,
  input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey' | 'Select'>,
): Promise<number> {
  let startKey: Item | undefined;
  let count = 0;
  do {
    const page = await request(handle, 'count items', () =>
      handle.documents.send(
        new QueryCommand({
          ...input,
          TableName: handle.table,
          Select: 'COUNT',
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      ),
    );
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return count;
}

/** Every item a scan matches, page after page, read consistently. */
export async function* scanItems(
  handle: TableHandle,
  input: Omit<ScanCommandInput, 'TableName' | 'ExclusiveStartKey' | 'ConsistentRead'> = {},
): AsyncGenerator<Item> {
  let startKey: Item | undefined;
  do {
    const page = await request(handle, 'scan items', () =>
      handle.documents.send(
        new ScanCommand({
          ...input,
          TableName: handle.table,
          ConsistentRead: true,
          ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        }),
      ),
    );
    yield* page.Items ?? [];
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
}

/** Collects an async sequence into an array. */
export async function collect<Value>(values: AsyncIterable<Value>): Promise<Value[]> {
  const collected: Value[] = [];
  for await (const value of values) collected.push(value);
  return collected;
}

/** BatchWriteItem takes at most 25 requests. */
const batchSize = 25;
/** Rounds of resending unprocessed requests before giving up. */
const unprocessedRounds = 8;

/** A put or a delete of one item in a batch. */
export type BatchRequest = { PutRequest: { Item: Item } } | { DeleteRequest: { Key: Item } };

/**
 * Writes the requests 25 at a time with BatchWriteItem, resending what DynamoDB left unprocessed (it does
 * so under throttling) with growing pauses. Not atomic: a failure can leave some requests applied.
 */
export async function writeBatch(handle: TableHandle, requests: readonly BatchRequest[]): Promise<void> {
  for (let start = 0; start < requests.length; start += batchSize) {
    await writeChunk(handle, requests.slice(start, start + batchSize));
  }
}

async function writeChunk(handle: TableHandle, chunk: BatchRequest[]): Promise<void> {
  let pending = chunk;
  for (let round = 0; round < unprocessedRounds && pending.length > 0; round++) {
    if (round > 0) await pause(backoffMs(round));
    const sent = pending;
    const output = await request(handle, 'write a batch of items', () =>
      handle.documents.send(new BatchWriteCommand({ RequestItems: { [handle.table]: sent } })),
    );
    pending = (output.UnprocessedItems?.[handle.table] ?? []) as BatchRequest[];
  }
  if (pending.length > 0) {
    throw new RetryableError(
      `DynamoDB left ${pending.length} writes to table ${handle.table} unprocessed after ${unprocessedRounds} tries.`,
      { hint: 'The table is throttled; try again in a moment.' },
    );
  }
}

/** Exponential backoff with full jitter: a random pause up to 25 ms × 2^round, at most 2 s. */
export function backoffMs(round: number): number {
  return Math.random() * Math.min(2000, 25 * 2 ** round);
}

/** Waits `milliseconds`. */
export function pause(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

/**
 * Explains why a write conditioned on the item existing in a known layout was refused: the item is gone
 * (`notFound()` is thrown), or it was written by a newer Quarry (the layout error is thrown), or it changed
 * under the write (a `ConflictError`).
 */
export async function explainRefusedWrite(
  handle: TableHandle,
  key: Item,
  notFound: () => Error,
): Promise<never> {
  const item = await getItem(handle, key);
  if (item === undefined) throw notFound();
  checkSchemaVersion(item, handle.table);
  throw new ConflictError(`An item of the DynamoDB table ${handle.table} changed while Quarry wrote it.`, {
    hint: 'Another process changed the same record at the same time; try again.',
  });
}
