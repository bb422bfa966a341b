import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closedPortEndpoint,
  dynaliteCredentials,
  type FaultyProxy,
  internalFault,
  type RunningDynalite,
  startDynalite,
  startFaultyProxy,
  throttlingFault,
  uniqueTablePrefix,
} from '../../../test/support/dynalite.ts';
import { QuarryError, RetryableError, UpstreamError, ValidationError } from '../../core/errors/index.ts';
import type { Catalog, RepoSettings } from '../../core/ports/catalog.ts';
import { createDynamoDbCatalog, type DynamoDbCatalogOptions } from './dynamodb-catalog.ts';
import { catalogTables } from './dynamodb-tables.ts';

let dynalite: RunningDynalite;
let proxy: FaultyProxy;
let documents: DynamoDBDocumentClient;
const opened: Catalog[] = [];

beforeAll(async () => {
  dynalite = await startDynalite();
  proxy = await startFaultyProxy(dynalite.endpoint);
  documents = DynamoDBDocumentClient.from(dynalite.client);
});

afterAll(async () => {
  for (const catalog of opened) await catalog.close();
  await proxy?.close();
  await dynalite?.close();
});

/** A catalog making its own client (so `maxAttempts` applies), reaching dynalite through the proxy. */
function openThroughProxy(options: Partial<DynamoDbCatalogOptions> = {}): Catalog {
  const catalog = createDynamoDbCatalog({
    tablePrefix: uniqueTablePrefix(),
    createTables: true,
    endpoint: proxy.endpoint,
    region: 'us-east-1',
    credentials: dynaliteCredentials,
    ...options,
  });
  opened.push(catalog);
  return catalog;
}

const settings: RepoSettings = {
  id: 'owner/project',
  enabled: true,
  ignoreFile: null,
  track: 'releases',
  asset: null,
  origin: 'user',
};

async function failureOf(work: Promise<unknown>): Promise<QuarryError> {
  try {
    await work;
  } catch (error) {
    if (QuarryError.is(error)) return error;
    throw error;
  }
  throw new Error('Expected the operation to fail.');
}

describe('DynamoDB faults', () => {
  it('retries throttled writes with backoff until they go through', async () => {
    const catalog = openThroughProxy({ maxAttempts: 4 });
    await catalog.listRepos();
    const before = proxy.operations.length;
    proxy.inject([throttlingFault, throttlingFault], { only: 'PutItem' });
    await catalog.addRepo(settings);
    // Two refusals, then the write went through: the SDK's standard strategy waited (with jitter, from a
    // 500 ms base for throttling) before each retry.
    expect(proxy.operations.slice(before)).toEqual(['PutItem', 'PutItem', 'PutItem']);
    expect(await catalog.getRepo('owner/project')).toMatchObject({ id: 'owner/project' });
  });

  it('retries answers of 500 from DynamoDB', async () => {
    const catalog = openThroughProxy({ maxAttempts: 3 });
    await catalog.listRepos();
    const served = proxy.faultsServed;
    proxy.inject([internalFault, internalFault], { only: 'GetItem' });
    expect(await catalog.getRepo('owner/none')).toBeUndefined();
    expect(proxy.faultsServed - served).toBe(2);
  });

  it('gives up after maxAttempts with a RetryableError naming the table', async () => {
    const catalog = openThroughProxy({ tablePrefix: 'quarry-busy', maxAttempts: 2 });
    await catalog.listRepos();
    proxy.inject([throttlingFault, throttlingFault, throttlingFault], { only: 'PutItem' });
    const error = await failureOf(catalog.addRepo(settings));
    proxy.inject([]);
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.message).toContain('quarry-busy-repositories');
    expect(error.message).toContain('ProvisionedThroughputExceededException');
  });

  it('names the missing tables and the setting when it may not create them, and checks again later', async () => {
    const tablePrefix = uniqueTablePrefix();
    const strict = createDynamoDbCatalog({ tablePrefix, createTables: false, client: dynalite.client });
    const error = await failureOf(strict.getRepo('owner/project'));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain(`${tablePrefix}-repositories`);
    expect(error.message).toContain(`${tablePrefix}-crawl-pages`);
    expect(error.hint).toMatch(/catalog\.createTables/);
    expect(error.hint).toMatch(/whoever deploys it/);

    // Someone deploys the tables: the same catalog finds them on its next call.
    await createDynamoDbCatalog({ tablePrefix, createTables: true, client: dynalite.client }).listRepos();
    expect(await strict.getRepo('owner/project')).toBeUndefined();
  });

  it('refuses a table of that name whose keys are not the catalog layout', async () => {
    const tablePrefix = uniqueTablePrefix();
    await dynalite.client.send(
      new CreateTableCommand({
        TableName: `${tablePrefix}-locks`,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'name', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'name', KeyType: 'HASH' }],
      }),
    );
    const catalog = createDynamoDbCatalog({ tablePrefix, createTables: true, client: dynalite.client });
    const error = await failureOf(catalog.listRepos());
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain(`${tablePrefix}-locks`);
    expect(error.message).toContain('name:HASH');
  });

  it('says DynamoDB cannot be reached, with what to check and no secret', async () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzSECRETzz';
    const catalog = createDynamoDbCatalog({
      tablePrefix: uniqueTablePrefix(),
      createTables: true,
      endpoint: await closedPortEndpoint(),
      region: 'eu-west-1',
      credentials: { accessKeyId: 'AKIAEXAMPLEFAKEKEY12', secretAccessKey: secret },
      maxAttempts: 2,
    });
    opened.push(catalog);
    const error = await failureOf(catalog.listRepos());
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toMatch(/Could not reach DynamoDB/);
    expect(error.hint).toMatch(/AWS_ENDPOINT_URL_DYNAMODB/);
    expect(error.hint).toMatch(/AWS_REGION/);
    expect(error.hint).toMatch(/credentials/);
    for (const text of [error.message, error.hint ?? '', String(error.cause), JSON.stringify(error)]) {
      expect(text).not.toContain(secret);
    }
  });

  it('refuses items written by a newer Quarry instead of misreading or overwriting them', async () => {
    const tablePrefix = uniqueTablePrefix();
    const catalog = createDynamoDbCatalog({ tablePrefix, createTables: true, client: dynalite.client });
    await catalog.addRepo(settings);
    const table = catalogTables(tablePrefix).repositories.name;
    const future = { idLowerCase: 'owner/future', id: 'owner/future', schemaVersion: 2, renamedField: 'x' };
    await documents.send(new PutCommand({ TableName: table, Item: future }));

    for (const attempt of [
      () => catalog.getRepo('owner/future'),
      () => catalog.listRepos(),
      () => catalog.updateRepo('owner/future', { version: 'v9' }),
    ]) {
      const error = await failureOf(attempt());
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toContain(table);
      expect(error.message).toMatch(/newer version of Quarry \(schema version 2/);
      expect(error.hint).toMatch(/Upgrade Quarry/);
    }
    const kept = await documents.send(
      new GetCommand({ TableName: table, Key: { idLowerCase: 'owner/future' } }),
    );
    expect(kept.Item).toEqual(future);
  });

  it('names the table and attribute of an item that is not what Quarry writes', async () => {
    const tablePrefix = uniqueTablePrefix();
    const catalog = createDynamoDbCatalog({ tablePrefix, createTables: true, client: dynalite.client });
    await catalog.listRepos();
    const table = catalogTables(tablePrefix).locks.name;
    await documents.send(
      new PutCommand({ TableName: table, Item: { resource: 'sync', schemaVersion: 1, pid: 'x' } }),
    );
    const error = await failureOf(
      catalog.tryLock('sync', { token: 't', pid: 1, host: 'h', acquiredAt: '2025-01-01T00:00:00.000Z' }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toContain(table);
    expect(error.message).toContain('token');
  });
});
