import {
  type AttributeDefinition,
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  type TableDescription,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { UpstreamError, ValidationError } from '../../core/errors/index.ts';
import { awsErrorCode } from '../aws/aws-error-codes.ts';
import { pause } from './dynamodb-requests.ts';
import type { CatalogTableDescription, CatalogTables, KeyAttribute } from './dynamodb-tables.ts';
import { missingTableError, translateDynamoDbError } from './translate-dynamodb-error.ts';

/** How long a new table may take to become active before Quarry gives up. */
const activationTimeoutMs = 5 * 60_000;

/**
 * Returns a function that makes sure every catalog table exists and is active, checking (and with
 * `createTables`, creating) them on its first call only. A failed check is not remembered, so the next
 * call tries again.
 */
export function tableProvisioner(
  client: DynamoDBClient,
  tables: CatalogTables,
  createTables: boolean,
): () => Promise<void> {
  let ready: Promise<void> | undefined;
  return () => {
    ready ??= ensureTables(client, Object.values(tables), createTables).catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    return ready;
  };
}

/** Ensures every table, and reports all the missing ones together rather than the first found. */
async function ensureTables(
  client: DynamoDBClient,
  tables: readonly CatalogTableDescription[],
  createTables: boolean,
): Promise<void> {
  const outcomes = await Promise.allSettled(tables.map((table) => ensureTable(client, table, createTables)));
  const missing = tables.filter((_, index) => {
    const outcome = outcomes[index];
    return outcome?.status === 'fulfilled' && outcome.value === 'missing';
  });
  const failure = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failure !== undefined) throw failure.reason;
  if (missing.length > 0) throw missingTableError(missing.map((table) => table.name).join(', '));
}

/** Makes sure one table is there and active; `missing` when it is not and may not be created. */
async function ensureTable(
  client: DynamoDBClient,
  table: CatalogTableDescription,
  createTables: boolean,
): Promise<'ready' | 'missing'> {
  const existing = await describeTable(client, table.name);
  if (existing !== undefined) {
    checkLayout(existing, table);
    if (isActive(existing)) return 'ready';
  } else if (createTables) {
    await createTable(client, table);
  } else {
    return 'missing';
  }
  await waitUntilActive(client, table.name);
  return 'ready';
}

/** Active, or updating (which still serves reads and writes), with every index built. */
function isActive(table: TableDescription): boolean {
  const indexesReady = (table.GlobalSecondaryIndexes ?? []).every(
    (index) => index.IndexStatus !== 'CREATING',
  );
  return (table.TableStatus === 'ACTIVE' || table.TableStatus === 'UPDATING') && indexesReady;
}

async function describeTable(client: DynamoDBClient, name: string): Promise<TableDescription | undefined> {
  try {
    const output = await client.send(new DescribeTableCommand({ TableName: name }));
    return output.Table;
  } catch (error) {
    if (awsErrorCode(error) === 'ResourceNotFoundException') return undefined;
    throw translateDynamoDbError(error, { action: 'describe the table', table: name });
  }
}

async function createTable(client: DynamoDBClient, table: CatalogTableDescription): Promise<void> {
  try {
    await client.send(new CreateTableCommand(createTableInput(table)));
  } catch (error) {
    // Another process created it at the same moment: the table is there, which is all that matters.
    if (awsErrorCode(error) === 'ResourceInUseException') return;
    throw translateDynamoDbError(error, { action: 'create the table', table: table.name });
  }
  if (table.timeToLiveAttribute !== undefined) {
    await waitUntilActive(client, table.name);
    await enableTimeToLive(client, table.name, table.timeToLiveAttribute);
  }
}

/** The CreateTable request for `table`: on-demand billing, every index projecting all attributes. */
function createTableInput(table: CatalogTableDescription) {
  const keySchema = (partition: KeyAttribute, sort: KeyAttribute | undefined) => [
    { AttributeName: partition.name, KeyType: 'HASH' as const },
    ...(sort === undefined ? [] : [{ AttributeName: sort.name, KeyType: 'RANGE' as const }]),
  ];
  const indexes = table.globalSecondaryIndexes.map((index) => ({
    IndexName: index.name,
    KeySchema: keySchema(index.partitionKey, index.sortKey),
    Projection: { ProjectionType: 'ALL' as const },
  }));
  return {
    TableName: table.name,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: attributeDefinitions(table),
    KeySchema: keySchema(table.partitionKey, table.sortKey),
    ...(indexes.length === 0 ? {} : { GlobalSecondaryIndexes: indexes }),
  };
}

function attributeDefinitions(table: CatalogTableDescription): AttributeDefinition[] {
  const keys = [table.partitionKey, table.sortKey];
  for (const index of table.globalSecondaryIndexes) keys.push(index.partitionKey, index.sortKey);
  const byName = new Map<string, AttributeDefinition>();
  for (const key of keys) {
    if (key !== undefined) byName.set(key.name, { AttributeName: key.name, AttributeType: key.type });
  }
  return [...byName.values()];
}

/**
 * Turns on expiry by time to live. Emulators without the operation (dynalite) are fine without it: the
 * catalog never returns an expired record, and expiry only spares the clean-up.
 */
async function enableTimeToLive(client: DynamoDBClient, name: string, attribute: string): Promise<void> {
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: name,
        TimeToLiveSpecification: { AttributeName: attribute, Enabled: true },
      }),
    );
  } catch (error) {
    if (awsErrorCode(error) === 'UnknownOperationException') return;
    throw translateDynamoDbError(error, { action: 'turn on time to live', table: name });
  }
}

/** Refuses a table whose keys or indexes differ from the catalog's, naming what differs. */
function checkLayout(existing: TableDescription, expected: CatalogTableDescription): void {
  const keys = (schema: { AttributeName?: string | undefined; KeyType?: string | undefined }[] = []) =>
    schema.map((key) => `${key.AttributeName}:${key.KeyType}`).join(',');
  const wanted = createTableInput(expected);
  const problems: string[] = [];
  if (keys(existing.KeySchema) !== keys(wanted.KeySchema))
    problems.push(`its key is ${keys(existing.KeySchema)}`);
  for (const index of wanted.GlobalSecondaryIndexes ?? []) {
    const found = existing.GlobalSecondaryIndexes?.find((each) => each.IndexName === index.IndexName);
    if (found === undefined) problems.push(`it has no index ${index.IndexName}`);
    else if (keys(found.KeySchema) !== keys(index.KeySchema))
      problems.push(`its index ${index.IndexName} differs`);
  }
  if (problems.length === 0) return;
  throw new ValidationError(
    `The DynamoDB table ${expected.name} does not have the layout of Quarry's catalog: ${problems.join('; ')}.`,
    {
      hint: 'Point catalog.location (QUARRY_CATALOG=dynamodb://<prefix>) at tables made by Quarry, or remove the foreign table.',
    },
  );
}

async function waitUntilActive(client: DynamoDBClient, name: string): Promise<void> {
  const deadline = Date.now() + activationTimeoutMs;
  for (let round = 0; ; round++) {
    const table = await describeTable(client, name);
    if (table === undefined) throw missingTableError(name);
    if (isActive(table)) return;
    if (table.TableStatus === 'DELETING' || Date.now() > deadline) {
      throw new UpstreamError(
        `The DynamoDB table ${name} is ${table.TableStatus?.toLowerCase()}, not active.`,
        {
          hint: 'Wait until the table is active (see the DynamoDB console), then try again.',
        },
      );
    }
    await pause(Math.min(2000, 20 * 2 ** round));
  }
}
