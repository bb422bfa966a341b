import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteCatalog, type SqliteCatalog } from '../adapters/sqlite/sqlite-catalog.ts';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors/index.ts';
import type { UserRecord } from '../core/ports/catalog.ts';
import { sha256Hex } from './secret-token.ts';
import { endSession, removeExpiredSessions, resolveSession, startSession } from './sessions.ts';
import { changePassword, createUser, removeUser } from './users.ts';

const hour = 3_600_000;
let folder: string;
let catalog: SqliteCatalog;
let now: Date;
const dependencies = () => ({ catalog, clock: () => now });

/** The account as a sign-in verified it; an unknown name gets a record the catalog does not hold. */
async function verified(id: string): Promise<UserRecord> {
  return (
    (await catalog.getUser(id)) ?? {
      id,
      role: 'member',
      passwordHash: 'scrypt$none',
      createdAt: now.toISOString(),
    }
  );
}

beforeEach(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'quarry-sessions-'));
  catalog = createSqliteCatalog({ path: path.join(folder, 'quarry.sqlite') });
  now = new Date('2026-03-01T12:00:00.000Z');
  await createUser(dependencies(), { id: 'Bob', role: 'admin', password: 'a long enough passphrase' });
});

afterEach(async () => {
  await catalog.close();
  await rm(folder, { recursive: true, force: true });
});

describe('startSession', () => {
  it('gives a random token and stores only its hash, with the expiry', async () => {
    const { token, record } = await startSession(dependencies(), await verified('bob'), 8 * hour);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(record).toEqual({
      id: sha256Hex(token),
      userId: 'Bob',
      createdAt: '2026-03-01T12:00:00.000Z',
      expiresAt: '2026-03-01T20:00:00.000Z',
    });
    expect((await startSession(dependencies(), await verified('bob'), hour)).token).not.toBe(token);
    await catalog.close();
    expect((await readFile(catalog.path)).includes(Buffer.from(token))).toBe(false);
  });

  it('refuses an unknown user and a duration that is not a positive whole number', async () => {
    await expect(startSession(dependencies(), await verified('alice'), hour)).rejects.toBeInstanceOf(
      NotFoundError,
    );
    for (const ttl of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(startSession(dependencies(), await verified('bob'), ttl)).rejects.toBeInstanceOf(
        ValidationError,
      );
    }
  });
});

describe('startSession racing a change of the account', () => {
  it('refuses, leaving no session, when the password changed after it was checked', async () => {
    const checked = await verified('bob');
    await changePassword(catalog, 'bob', 'another long enough passphrase');
    await expect(startSession(dependencies(), checked, hour)).rejects.toBeInstanceOf(ConflictError);
    expect(await catalog.deleteExpiredSessions('9999-01-01T00:00:00.000Z')).toBe(0);
  });

  it('refuses a session for an account removed and added again after its password was checked', async () => {
    await createUser(dependencies(), { id: 'carol', role: 'admin', password: 'a long enough passphrase' });
    const checked = await verified('bob');
    await removeUser(catalog, 'bob');
    now = new Date(now.getTime() + 1000);
    await createUser(dependencies(), { id: 'bob', role: 'member', password: 'a long enough passphrase' });
    await expect(startSession(dependencies(), checked, hour)).rejects.toBeInstanceOf(ConflictError);
  });
});

describe('resolveSession', () => {
  it('finds the user and session until the session expires', async () => {
    const { token, record } = await startSession(dependencies(), await verified('bob'), hour);
    now = new Date(now.getTime() + hour - 1);
    expect(await resolveSession(dependencies(), token)).toEqual({
      user: expect.objectContaining({ id: 'Bob', role: 'admin' }),
      session: record,
    });
    now = new Date(now.getTime() + 1);
    expect(await resolveSession(dependencies(), token)).toBeUndefined();
  });

  it('returns undefined for unknown, malformed or hashed tokens and for removed users', async () => {
    const { token, record } = await startSession(dependencies(), await verified('bob'), hour);
    for (const presented of ['', 'short', `${token}x`, record.id, 'x'.repeat(10_000)]) {
      expect(await resolveSession(dependencies(), presented)).toBeUndefined();
    }
    expect(await resolveSession(dependencies(), token)).toBeDefined();
    // Another admin first: the catalog never removes the last one.
    await createUser(dependencies(), { id: 'carol', role: 'admin', password: 'another long passphrase' });
    await catalog.removeUser('bob');
    expect(await resolveSession(dependencies(), token)).toBeUndefined();
  });
});

describe('endSession', () => {
  it('ends that session only, and ignores unknown tokens', async () => {
    const first = await startSession(dependencies(), await verified('bob'), hour);
    const second = await startSession(dependencies(), await verified('bob'), hour);
    await endSession(dependencies(), first.token);
    expect(await resolveSession(dependencies(), first.token)).toBeUndefined();
    expect(await resolveSession(dependencies(), second.token)).toBeDefined();
    await expect(endSession(dependencies(), first.token)).resolves.toBeUndefined();
    await expect(endSession(dependencies(), '')).resolves.toBeUndefined();
  });
});

describe('removeExpiredSessions', () => {
  it('deletes the sessions expired by now and says how many', async () => {
    await startSession(dependencies(), await verified('bob'), hour);
    await startSession(dependencies(), await verified('bob'), 2 * hour);
    const kept = await startSession(dependencies(), await verified('bob'), 3 * hour);
    now = new Date(now.getTime() + 2 * hour);
    expect(await removeExpiredSessions(dependencies())).toBe(2);
    expect(await removeExpiredSessions(dependencies())).toBe(0);
    expect(await resolveSession(dependencies(), kept.token)).toBeDefined();
  });
});
