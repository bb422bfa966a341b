import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DescribeTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dynaliteCredentials,
  type FaultyProxy,
  type RunningDynalite,
  startDynalite,
  startFaultyProxy,
  uniqueTablePrefix,
} from '../../../test/support/dynalite.ts';
import { ValidationError } from '../../core/errors/index.ts';
import { createDynamoDbCatalog } from './dynamodb-catalog.ts';
import { catalogTables } from './dynamodb-tables.ts';

const catalogModule = fileURLToPath(new URL('./dynamodb-catalog.ts', import.meta.url));

let dynalite: RunningDynalite;
let proxy: FaultyProxy;
let documents: DynamoDBDocumentClient;

beforeAll(async () => {
  dynalite = await startDynalite();
  proxy = await startFaultyProxy(dynalite.endpoint);
  documents = DynamoDBDocumentClient.from(dynalite.client);
});

afterAll(async () => {
  await proxy?.close();
  await dynalite?.close();
});

describe('catalogTables', () => {
  it('describes one table per record kind under the prefix, for createTables and the CDK app alike', () => {
    const tables = catalogTables('quarry-prod');
    expect(Object.values(tables).map((table) => table.name)).toEqual([
      'quarry-prod-repositories',
      'quarry-prod-sync-runs',
      'quarry-prod-locks',
      'quarry-prod-conversations',
      'quarry-prod-messages',
      'quarry-prod-users',
      'quarry-prod-admin-roster',
      'quarry-prod-api-keys',
      'quarry-prod-sessions',
      'quarry-prod-crawl-sites',
      'quarry-prod-crawl-pages',
    ]);
    expect(tables.repositories.partitionKey).toEqual({ name: 'idLowerCase', type: 'S' });
    expect(tables.messages.sortKey).toEqual({ name: 'firstSeq', type: 'N' });
    expect(tables.conversations.globalSecondaryIndexes.map((index) => index.name)).toEqual([
      'by-owner',
      'by-update',
    ]);
    expect(tables.sessions.timeToLiveAttribute).toBe('expiresAtEpochSeconds');
    for (const table of Object.values(tables)) expect(table.purpose).not.toBe('');
  });

  it('refuses prefixes DynamoDB would refuse in a table name, with a hint', () => {
    const longest = 'p'.repeat(255 - '-conversations'.length);
    expect(catalogTables(longest).conversations.name).toHaveLength(255);
    for (const prefix of ['', 'quarry prod', 'quarry/prod', 'quarry:prod', 'ünïcode', `${longest}p`]) {
      expect(() => createDynamoDbCatalog({ tablePrefix: prefix, createTables: true }), prefix).toThrow(
        ValidationError,
      );
    }
    expect(() => catalogTables('quarry prod')).toThrow(
      expect.objectContaining({ hint: expect.stringMatching(/catalog\.tablePrefix/) }),
    );
  });
});

describe('createDynamoDbCatalog', () => {
  it('makes no request until first used, then creates every table on demand', async () => {
    const tablePrefix = uniqueTablePrefix();
    const catalog = createDynamoDbCatalog({ tablePrefix, createTables: true, client: dynalite.client });
    const before = await dynalite.client.send(new ListTablesCommand({}));
    expect(before.TableNames?.filter((name) => name.startsWith(tablePrefix))).toEqual([]);
    await catalog.listRepos();

    for (const table of Object.values(catalogTables(tablePrefix))) {
      const { Table: described } = await dynalite.client.send(
        new DescribeTableCommand({ TableName: table.name }),
      );
      expect(described?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
      expect(described?.KeySchema?.[0]).toEqual({ AttributeName: table.partitionKey.name, KeyType: 'HASH' });
      expect(described?.GlobalSecondaryIndexes?.map((index) => index.IndexName) ?? []).toEqual(
        table.globalSecondaryIndexes.map((index) => index.name),
      );
    }
  });

  it('writes items a person can read in the console, each with its schema version', async () => {
    const tablePrefix = uniqueTablePrefix();
    const catalog = createDynamoDbCatalog({ tablePrefix, createTables: true, client: dynalite.client });
    await catalog.addRepo({
      id: 'AwsLabs/Some-Repo',
      enabled: true,
      ignoreFile: '/etc/quarry/some.ignore',
      track: 'releases',
      asset: null,
      origin: 'user',
    });
    await catalog.updateRepo('awslabs/some-repo', {
      version: 'v1.2.0',
      modified: '2025-01-02T03:04:05.000Z',
    });
    const tables = catalogTables(tablePrefix);
    const stored = await documents.send(
      new GetCommand({ TableName: tables.repositories.name, Key: { idLowerCase: 'awslabs/some-repo' } }),
    );
    expect(stored.Item).toMatchObject({
      id: 'AwsLabs/Some-Repo',
      enabled: true,
      ignoreFile: '/etc/quarry/some.ignore',
      modified: '2025-01-02T03:04:05.000Z',
      version: 'v1.2.0',
      track: 'releases',
      files: 0,
      schemaVersion: 1,
    });
  });

  it('keeps user ids as spelled, keyed by their lower-cased copy', async () => {
    const tablePrefix = uniqueTablePrefix();
    const catalog = createDynamoDbCatalog({ tablePrefix, createTables: true, client: dynalite.client });
    const tables = catalogTables(tablePrefix);
    await catalog.addUser({
      id: 'Alice',
      role: 'admin',
      passwordHash: 'scrypt$x',
      createdAt: '2025-05-01T08:00:00Z',
    });
    const user = await documents.send(
      new GetCommand({ TableName: tables.users.name, Key: { idLowerCase: 'alice' } }),
    );
    expect(user.Item).toMatchObject({
      id: 'Alice',
      role: 'admin',
      createdAt: '2025-05-01T08:00:00.000Z',
      schemaVersion: 1,
    });
  });

  it('destroys the client it made on close, keeps one it was given, and can be closed twice', async () => {
    const made = createDynamoDbCatalog({
      tablePrefix: uniqueTablePrefix(),
      createTables: true,
      endpoint: proxy.endpoint,
      region: 'us-east-1',
      credentials: dynaliteCredentials,
    });
    await made.listRepos();
    expect(proxy.openConnections).toBeGreaterThan(0);
    await made.close();
    await expect.poll(() => proxy.openConnections).toBe(0);
    await expect(made.close()).resolves.toBeUndefined();
    await expect(made.listRepos()).rejects.toThrow(/closed/);

    const given = createDynamoDbCatalog({
      tablePrefix: uniqueTablePrefix(),
      createTables: true,
      client: dynalite.client,
    });
    await given.listRepos();
    await given.close();
    await expect(dynalite.client.send(new ListTablesCommand({}))).resolves.toBeDefined();
  });

  it("reaches DynamoDB through the SDK's own settings when given no client (AWS_ENDPOINT_URL_DYNAMODB, ...)", async () => {
    const tablePrefix = uniqueTablePrefix();
    const script = `
      import { createDynamoDbCatalog } from ${JSON.stringify(catalogModule)};
      const catalog = createDynamoDbCatalog({ tablePrefix: ${JSON.stringify(tablePrefix)}, createTables: true });
      await catalog.addRepo({ id: 'owner/child', enabled: true, ignoreFile: null, track: 'tags', asset: null, origin: 'user' });
      await catalog.close();
    `;
    // Asynchronously: dynalite answers on this process's event loop.
    await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, ...dynalite.environment, AWS_CONFIG_FILE: '/dev/null' },
    });
    const catalog = createDynamoDbCatalog({ tablePrefix, createTables: false, client: dynalite.client });
    expect(await catalog.getRepo('OWNER/CHILD')).toMatchObject({ id: 'owner/child', track: 'tags' });
  });

  it('refuses a number of attempts that is not a whole number of 1 or more', () => {
    for (const maxAttempts of [0, -1, 1.5, Number.NaN]) {
      expect(() => createDynamoDbCatalog({ tablePrefix: 'quarry', createTables: true, maxAttempts })).toThrow(
        ValidationError,
      );
    }
  });
});
