import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDynalite, startDynalite, uniqueTablePrefix } from '../../../test/support/dynalite.ts';
import { ValidationError } from '../../core/errors/index.ts';
import type { ApiKeyRecord, Catalog, UserRecord } from '../../core/ports/catalog.ts';
import { createDynamoDbCatalog } from './dynamodb-catalog.ts';
import { type CatalogTables, catalogTables } from './dynamodb-tables.ts';

let dynalite: RunningDynalite;
let documents: DynamoDBDocumentClient;

beforeAll(async () => {
  dynalite = await startDynalite();
  documents = DynamoDBDocumentClient.from(dynalite.client);
});

afterAll(async () => {
  await dynalite?.close();
});

/** Two catalogs on fresh tables: two processes sharing the catalog, as far as DynamoDB can tell. */
function openTwice(): { first: Catalog; second: Catalog; tables: CatalogTables } {
  const tablePrefix = uniqueTablePrefix();
  const open = () => createDynamoDbCatalog({ tablePrefix, createTables: true, client: dynalite.client });
  return { first: open(), second: open(), tables: catalogTables(tablePrefix) };
}

function at(minute: number): string {
  return new Date(Date.UTC(2025, 4, 1, 8, minute)).toISOString();
}

function userOf(id: string, role: UserRecord['role'] = 'member'): UserRecord {
  return { id, role, passwordHash: `scrypt$hash-of-${id}`, createdAt: at(0) };
}

function keyOf(id: string, userId: string): ApiKeyRecord {
  return {
    id,
    userId,
    name: id,
    secretHash: `sha256-of-${id}`,
    createdAt: at(1),
    lastUsedAt: null,
    revokedAt: null,
  };
}

describe('DynamoDB accounts without transactions', () => {
  it("stops honouring a user's keys and sessions the moment the user item goes, before any clean-up", async () => {
    const { first, tables } = openTwice();
    await first.addUser(userOf('Alice'));
    await first.addApiKey(keyOf('key-a', 'alice'));
    await first.createSession({ id: 'session-a', userId: 'alice', createdAt: at(0), expiresAt: at(60) });
    // The state in the middle of a removal: the user item deleted, keys and sessions not yet.
    await documents.send(new DeleteCommand({ TableName: tables.users.name, Key: { idLowerCase: 'alice' } }));
    expect(await first.getApiKey('key-a')).toBeUndefined();
    expect(await first.getSession('session-a', at(5))).toBeUndefined();
    expect(await first.listApiKeys()).toEqual([]);

    // A new account under the old name never inherits them, though their items are still there.
    await first.addUser(userOf('alice'));
    expect(await first.getApiKey('key-a')).toBeUndefined();
    expect(await first.getSession('session-a', at(5))).toBeUndefined();
    expect(await first.listApiKeys({ userId: 'alice' })).toEqual([]);
    expect(await first.revokeApiKey('key-a', at(6))).toBe(false);
    const leftover = await documents.send(
      new GetCommand({ TableName: tables.apiKeys.name, Key: { id: 'key-a' } }),
    );
    expect(leftover.Item).toBeDefined();
  });

  it('ends sessions opened before a password change even if their items were never deleted', async () => {
    const { first, tables } = openTwice();
    await first.addUser(userOf('bob'));
    await first.createSession({ id: 'old', userId: 'bob', createdAt: at(0), expiresAt: at(60) });
    const stored = await documents.send(
      new GetCommand({ TableName: tables.sessions.name, Key: { id: 'old' } }),
    );
    await first.updateUser('bob', { passwordHash: 'scrypt$new' });
    // Put the old session back, as if the clean-up after the change had never run.
    await documents.send(new PutCommand({ TableName: tables.sessions.name, Item: stored.Item }));
    expect(await first.getSession('old', at(5))).toBeUndefined();
    await first.createSession({ id: 'new', userId: 'bob', createdAt: at(2), expiresAt: at(60) });
    expect(await first.getSession('new', at(5))).toMatchObject({ userId: 'bob' });
  });

  it('lets exactly one of two admins demote, or remove, each other at once', async () => {
    for (const [left, right] of [
      ['demote', 'demote'],
      ['remove', 'demote'],
      ['remove', 'remove'],
    ] as const) {
      const { first, second } = openTwice();
      await first.addUser(userOf('ada', 'admin'));
      await first.addUser(userOf('bea', 'admin'));
      const change = (catalog: Catalog, id: string, kind: 'demote' | 'remove') =>
        kind === 'remove' ? catalog.removeUser(id) : catalog.updateUser(id, { role: 'member' });
      const outcomes = await Promise.allSettled([change(first, 'ada', left), change(second, 'bea', right)]);
      expect(
        outcomes.filter((outcome) => outcome.status === 'fulfilled'),
        `${left}/${right}`,
      ).toHaveLength(1);
      const refused = outcomes.find((outcome) => outcome.status === 'rejected');
      expect(refused?.status === 'rejected' && refused.reason).toBeInstanceOf(ValidationError);
      expect((await first.listUsers()).filter((user) => user.role === 'admin')).toHaveLength(1);
    }
  });

  it('keeps exactly one admin when many admins are removed at once from two processes', async () => {
    const { first, second } = openTwice();
    const admins = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6'];
    for (const id of admins) await first.addUser(userOf(id, 'admin'));
    const outcomes = await Promise.allSettled(
      admins.map((id, index) => (index % 2 ? first : second).removeUser(id)),
    );
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(admins.length - 1);
    expect((await first.listUsers()).map((user) => user.role)).toEqual(['admin']);
  });

  it('counts an admin whose registration a crash cut short before refusing a removal', async () => {
    const { first, tables } = openTwice();
    await first.addUser(userOf('first', 'admin'));
    // An admin written as addUser writes it, but the process died before registering its term.
    const item = { ...userOf('second', 'admin'), idLowerCase: 'second', incarnation: 'i-2', revision: 1 };
    const uncounted = { ...item, passwordRevision: 1, adminTerm: 'term-never-registered', schemaVersion: 1 };
    await documents.send(new PutCommand({ TableName: tables.users.name, Item: uncounted }));

    await first.removeUser('first');
    expect((await first.listUsers()).map((user) => user.id)).toEqual(['second']);
    await expect(first.removeUser('second')).rejects.toBeInstanceOf(ValidationError);
    await expect(first.updateUser('second', { role: 'member' })).rejects.toThrow(/last admin/);
  });

  it('records the latest use of a key and its first revocation whatever order simultaneous calls land in', async () => {
    const { first, second } = openTwice();
    await first.addUser(userOf('carol'));
    await first.addApiKey(keyOf('key-c', 'carol'));
    const minutes = [7, 3, 19, 11, 2, 17, 5, 13];
    await Promise.all(
      minutes.map((minute, index) => (index % 2 ? first : second).touchApiKey('key-c', at(minute))),
    );
    expect(await first.getApiKey('key-c')).toMatchObject({ lastUsedAt: at(19) });

    const revocations = await Promise.all(
      minutes.map(async (minute, index) => ({
        minute,
        revoked: await (index % 2 ? first : second).revokeApiKey('key-c', at(30 + minute)),
      })),
    );
    const winners = revocations.filter((revocation) => revocation.revoked);
    expect(winners).toHaveLength(1);
    expect(await first.getApiKey('key-c')).toMatchObject({ revokedAt: at(30 + (winners[0]?.minute ?? 0)) });
  });

  it('keeps a user whole when password and role change at once from two processes', async () => {
    const { first, second } = openTwice();
    await first.addUser(userOf('admin', 'admin'));
    await first.addUser(userOf('dave'));
    await Promise.all([
      first.updateUser('dave', { role: 'admin' }),
      second.updateUser('DAVE', { passwordHash: 'scrypt$rotated' }),
    ]);
    expect(await first.getUser('dave')).toEqual({
      ...userOf('dave', 'admin'),
      passwordHash: 'scrypt$rotated',
    });
    // Both admins are counted: either may now go, but not both.
    await first.removeUser('admin');
    await expect(second.removeUser('dave')).rejects.toBeInstanceOf(ValidationError);
  });
});
