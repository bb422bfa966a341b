import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteCatalog, type SqliteCatalog } from '../adapters/sqlite/sqlite-catalog.ts';
import { NotFoundError, ValidationError } from '../core/errors/index.ts';
import {
  authenticateApiKey,
  createApiKey,
  listApiKeys,
  parseApiKey,
  publicApiKey,
  revokeApiKey,
} from './api-keys.ts';
import { sha256Hex } from './secret-token.ts';
import { createUser } from './users.ts';

let folder: string;
let catalog: SqliteCatalog;
let now: Date;
const dependencies = () => ({ catalog, clock: () => now });

beforeEach(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'quarry-api-keys-'));
  catalog = createSqliteCatalog({ path: path.join(folder, 'quarry.sqlite') });
  now = new Date('2026-03-01T12:00:00.000Z');
  await createUser(dependencies(), { id: 'Bob', role: 'member', password: 'a long enough passphrase' });
});

afterEach(async () => {
  await catalog.close();
  await rm(folder, { recursive: true, force: true });
});

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('Expected a rejection.');
}

function later(milliseconds: number): void {
  now = new Date(now.getTime() + milliseconds);
}

describe('createApiKey', () => {
  it('gives the key once as qk_<id>_<secret> and stores only the hash of the secret', async () => {
    const { record, key } = await createApiKey(dependencies(), { userId: 'bob', name: ' ci ' });
    const match = /^qk_([A-Za-z0-9-]{12})_([A-Za-z0-9_-]{32})$/.exec(key);
    expect(match?.[1]).toBe(record.id);
    expect(record).toEqual({
      id: record.id,
      userId: 'Bob',
      name: 'ci',
      secretHash: sha256Hex(match?.[2] ?? ''),
      createdAt: '2026-03-01T12:00:00.000Z',
      lastUsedAt: null,
      revokedAt: null,
    });
    await catalog.close();
    const file = await readFile(catalog.path);
    expect(file.includes(Buffer.from(match?.[2] ?? 'missing'))).toBe(false);
    expect(file.includes(Buffer.from(record.secretHash))).toBe(true);
  });

  it('makes ids of letters and digits only (never read as a CLI option), different every time', async () => {
    const ids = new Set<string>();
    for (let index = 0; index < 50; index++) {
      const { record } = await createApiKey(dependencies(), { userId: 'bob', name: `key ${index}` });
      expect(record.id).toMatch(/^[A-Za-z0-9]{12}$/);
      ids.add(record.id);
    }
    expect(ids.size).toBe(50);
  });

  it('refuses an unknown user and names that are empty, too long or span lines', async () => {
    await expect(createApiKey(dependencies(), { userId: 'alice', name: 'ci' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    for (const name of ['', '   ', 'x'.repeat(101), 'two\nlines', 'bell\u0007']) {
      await expect(createApiKey(dependencies(), { userId: 'bob', name })).rejects.toBeInstanceOf(
        ValidationError,
      );
    }
    expect(await catalog.listApiKeys()).toEqual([]);
  });
});

describe('authenticateApiKey', () => {
  it('returns the user and key for the whole key, and undefined for any altered or malformed one', async () => {
    const { record, key } = await createApiKey(dependencies(), { userId: 'bob', name: 'ci' });
    expect(await authenticateApiKey(dependencies(), key)).toMatchObject({
      user: { id: 'Bob', role: 'member' },
      key: { id: record.id, name: 'ci' },
    });
    const secret = parseApiKey(key)?.secret ?? '';
    const flipped = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    const altered = [
      '',
      key.slice(0, -1),
      `${key}x`,
      `qk_${record.id}_${flipped}`,
      `qk_${record.id.slice(0, -1)}${record.id.endsWith('A') ? 'B' : 'A'}_${secret}`,
      key.replace('qk_', 'QK_'),
      `Bearer ${key}`,
      record.id,
      record.secretHash,
    ];
    for (const presented of altered) {
      expect(await authenticateApiKey(dependencies(), presented), presented).toBeUndefined();
    }
  });

  it('refuses a revoked key and the key of a removed user', async () => {
    const revoked = await createApiKey(dependencies(), { userId: 'bob', name: 'old' });
    const orphaned = await createApiKey(dependencies(), { userId: 'bob', name: 'other' });
    await revokeApiKey(dependencies(), revoked.record.id);
    expect(await authenticateApiKey(dependencies(), revoked.key)).toBeUndefined();
    expect(await authenticateApiKey(dependencies(), orphaned.key)).toBeDefined();
    await catalog.removeUser('bob');
    expect(await authenticateApiKey(dependencies(), orphaned.key)).toBeUndefined();
  });

  it('records the last use at most once a minute', async () => {
    const { record, key } = await createApiKey(dependencies(), { userId: 'bob', name: 'ci' });
    const first = now.toISOString();
    expect((await authenticateApiKey(dependencies(), key))?.key.lastUsedAt).toBe(first);
    later(59_000);
    expect((await authenticateApiKey(dependencies(), key))?.key.lastUsedAt).toBe(first);
    expect((await catalog.getApiKey(record.id))?.lastUsedAt).toBe(first);
    later(1_000);
    const second = now.toISOString();
    expect((await authenticateApiKey(dependencies(), key))?.key.lastUsedAt).toBe(second);
    expect((await catalog.getApiKey(record.id))?.lastUsedAt).toBe(second);
  });
});

describe('revokeApiKey', () => {
  it('revokes once, keeping the first time, by id or by the whole key', async () => {
    const { record, key } = await createApiKey(dependencies(), { userId: 'bob', name: 'ci' });
    later(5_000);
    const revoked = await revokeApiKey(dependencies(), key);
    expect(revoked).toMatchObject({ revokedNow: true, key: { id: record.id, revokedAt: now.toISOString() } });
    const firstTime = now.toISOString();
    later(5_000);
    expect(await revokeApiKey(dependencies(), record.id)).toMatchObject({
      revokedNow: false,
      key: { revokedAt: firstTime },
    });
  });

  it('reports an unknown key without echoing a secret', async () => {
    const pasted = 'qk_secretlooking_text that is not a key';
    await expect(revokeApiKey(dependencies(), pasted)).rejects.toThrow(/^The API key given does not exist/);
    const error = await rejectionOf(revokeApiKey(dependencies(), 'abcdef123456'));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe('API key abcdef123456 does not exist.');
  });

  it("lets a member revoke only their own keys (another's is unknown), an admin and the CLI any", async () => {
    const { record } = await createApiKey(dependencies(), { userId: 'bob', name: 'ci' });
    const other = await createApiKey(dependencies(), { userId: 'bob', name: 'laptop' });
    const third = await createApiKey(dependencies(), { userId: 'bob', name: 'script' });
    const alice = { id: 'alice', role: 'member' } as const;
    const unknown = await rejectionOf(revokeApiKey(dependencies(), 'abcdef123456', { requester: alice }));
    const foreign = await rejectionOf(revokeApiKey(dependencies(), record.id, { requester: alice }));
    expect(foreign).toBeInstanceOf(NotFoundError);
    // Word for word the answer for an id that does not exist: nothing tells the two apart.
    expect(foreign.message.replace(record.id, 'ID')).toBe(unknown.message.replace('abcdef123456', 'ID'));
    expect((await catalog.getApiKey(record.id))?.revokedAt).toBeNull();
    const owner = { id: 'BOB', role: 'member' } as const;
    expect(await revokeApiKey(dependencies(), record.id, { requester: owner })).toMatchObject({
      revokedNow: true,
    });
    const admin = { id: 'root', role: 'admin' } as const;
    expect(await revokeApiKey(dependencies(), other.record.id, { requester: admin })).toMatchObject({
      revokedNow: true,
    });
    expect(await revokeApiKey(dependencies(), third.record.id)).toMatchObject({ revokedNow: true });
  });
});

describe('listApiKeys', () => {
  it("lists a user's keys or everyone's, never a hash, and refuses an unknown user", async () => {
    await createUser(dependencies(), { id: 'alice', role: 'member', password: 'a long enough passphrase' });
    const bobs = await createApiKey(dependencies(), { userId: 'bob', name: 'ci' });
    const alices = await createApiKey(dependencies(), { userId: 'alice', name: 'laptop' });
    expect((await listApiKeys(dependencies(), { userId: 'BOB' })).map((key) => key.id)).toEqual([
      bobs.record.id,
    ]);
    const everyone = await listApiKeys(dependencies());
    expect(everyone.map((key) => key.id).sort()).toEqual([alices.record.id, bobs.record.id].sort());
    for (const key of everyone) expect(key).not.toHaveProperty('secretHash');
    await expect(listApiKeys(dependencies(), { userId: 'ghost' })).rejects.toThrow(
      'User ghost does not exist.',
    );
  });

  it('shows a member only their own keys, whatever is asked; an admin anyone', async () => {
    await createUser(dependencies(), { id: 'alice', role: 'member', password: 'a long enough passphrase' });
    await createApiKey(dependencies(), { userId: 'bob', name: 'ci' });
    const alices = await createApiKey(dependencies(), { userId: 'alice', name: 'laptop' });
    const alice = { id: 'alice', role: 'member' } as const;
    for (const userId of [undefined, 'bob']) {
      const shown = await listApiKeys(dependencies(), { userId, requester: alice });
      expect(shown.map((key) => key.id)).toEqual([alices.record.id]);
    }
    const admin = { id: 'root', role: 'admin' } as const;
    expect(await listApiKeys(dependencies(), { requester: admin })).toHaveLength(2);
  });
});

describe('publicApiKey', () => {
  it('keeps everything but the hash of the secret', async () => {
    const { record } = await createApiKey(dependencies(), { userId: 'bob', name: 'ci' });
    const shown = publicApiKey(record);
    expect(shown).not.toHaveProperty('secretHash');
    expect(shown).toEqual({
      id: record.id,
      userId: 'Bob',
      name: 'ci',
      createdAt: record.createdAt,
      lastUsedAt: null,
      revokedAt: null,
    });
  });
});
