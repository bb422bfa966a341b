import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSqliteCatalog } from '../adapters/sqlite/sqlite-catalog.ts';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors/index.ts';
import type { Catalog } from '../core/ports/catalog.ts';
import { verifyPassword } from './password-hash.ts';
import { authenticateUser, changePassword, createUser, generatePassword, removeUser } from './users.ts';

// The real function, watched: proves that an unknown name costs one hash check like a known one.
vi.mock('./password-hash.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('./password-hash.ts')>();
  return { ...actual, verifyPassword: vi.fn(actual.verifyPassword) };
});

let folder: string;
let catalog: Catalog;
const clock = () => new Date('2026-03-01T12:00:00.000Z');
const dependencies = () => ({ catalog, clock });
const password = 'a long enough passphrase';

beforeEach(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'quarry-users-'));
  catalog = createSqliteCatalog({ path: path.join(folder, 'quarry.sqlite') });
  vi.mocked(verifyPassword).mockClear();
});

afterEach(async () => {
  await catalog.close();
  await rm(folder, { recursive: true, force: true });
});

async function rejectionOf(promise: Promise<unknown>): Promise<Error & { hint?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { hint?: string };
  }
  throw new Error('Expected a rejection.');
}

describe('createUser', () => {
  it('stores the account with a scrypt hash of the password, never the password', async () => {
    const user = await createUser(dependencies(), { id: 'Bob', role: 'member', password });
    expect(user).toMatchObject({ id: 'Bob', role: 'member', createdAt: '2026-03-01T12:00:00.000Z' });
    expect(user.passwordHash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(user.passwordHash).not.toContain(password);
    expect(await catalog.getUser('bob')).toEqual(user);
  });

  it('refuses passwords shorter than 12 or longer than 1024 characters, with a hint and no echo', async () => {
    for (const refused of ['', 'elevenchars', 'x'.repeat(1025)]) {
      const error = await rejectionOf(
        createUser(dependencies(), { id: 'bob', role: 'member', password: refused }),
      );
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.hint).toBeTruthy();
      if (refused !== '') expect(error.message).not.toContain(refused);
    }
    // Characters, not UTF-16 units: twelve emoji are twelve characters.
    await createUser(dependencies(), { id: 'emoji', role: 'member', password: '🔑'.repeat(12) });
    await createUser(dependencies(), { id: 'longest', role: 'member', password: 'y'.repeat(1024) });
    expect((await catalog.listUsers()).map((user) => user.id)).toEqual(['emoji', 'longest']);
  });

  it('refuses names the catalog would not accept, and unknown roles', async () => {
    for (const id of ['', 'bob smith', 'a'.repeat(65), 'bob/../x']) {
      const error = await rejectionOf(createUser(dependencies(), { id, role: 'member', password }));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.hint).toMatch(/letters, digits/);
    }
    const role = 'owner' as 'admin';
    await expect(createUser(dependencies(), { id: 'bob', role, password })).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(await catalog.listUsers()).toEqual([]);
  });

  it('refuses a name already taken, in any case', async () => {
    await createUser(dependencies(), { id: 'bob', role: 'member', password });
    await expect(
      createUser(dependencies(), { id: 'BOB', role: 'admin', password: 'another passphrase' }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(await catalog.getUser('bob')).toMatchObject({ id: 'bob', role: 'member' });
  });
});

describe('authenticateUser', () => {
  beforeEach(async () => {
    await createUser(dependencies(), { id: 'Bob', role: 'member', password });
    vi.mocked(verifyPassword).mockClear();
  });

  it('returns the account for its password, whatever the case of the name', async () => {
    expect(await authenticateUser(catalog, 'bob', password)).toMatchObject({ id: 'Bob', role: 'member' });
    expect(await authenticateUser(catalog, 'BOB', password)).toMatchObject({ id: 'Bob' });
  });

  it('returns undefined for a wrong password or an unknown name, checking one hash either way', async () => {
    expect(await authenticateUser(catalog, 'bob', 'not the passphrase')).toBeUndefined();
    expect(verifyPassword).toHaveBeenCalledTimes(1);
    expect(await authenticateUser(catalog, 'alice', password)).toBeUndefined();
    expect(await authenticateUser(catalog, 'not a valid name!', password)).toBeUndefined();
    expect(verifyPassword).toHaveBeenCalledTimes(3);
    const hashes = vi.mocked(verifyPassword).mock.calls.map(([, hash]) => hash);
    expect(hashes[1]).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(hashes[1]).toBe(hashes[2]);
  });

  it('returns undefined for an absurdly long password without hashing it', async () => {
    expect(await authenticateUser(catalog, 'bob', 'x'.repeat(1_000_000))).toBeUndefined();
    expect(verifyPassword).not.toHaveBeenCalled();
  });
});

describe('changePassword', () => {
  it('replaces the password, which then works instead of the old one', async () => {
    const before = await createUser(dependencies(), { id: 'bob', role: 'admin', password });
    const after = await changePassword(catalog, 'BOB', 'the brand new passphrase');
    expect(after).toMatchObject({ id: 'bob', role: 'admin', createdAt: before.createdAt });
    expect(after.passwordHash).not.toBe(before.passwordHash);
    expect(await authenticateUser(catalog, 'bob', password)).toBeUndefined();
    expect(await authenticateUser(catalog, 'bob', 'the brand new passphrase')).toBeDefined();
  });

  it('refuses a short password or an unknown account, changing nothing', async () => {
    const before = await createUser(dependencies(), { id: 'bob', role: 'member', password });
    await expect(changePassword(catalog, 'bob', 'short')).rejects.toBeInstanceOf(ValidationError);
    await expect(changePassword(catalog, 'alice', 'long enough passphrase')).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(await catalog.getUser('bob')).toEqual(before);
  });
});

describe('removeUser', () => {
  it('removes a member, or an admin while another admin remains', async () => {
    for (const [id, role] of [
      ['root', 'admin'],
      ['ops', 'admin'],
      ['bob', 'member'],
    ] as const) {
      await createUser(dependencies(), { id, role, password });
    }
    expect(await removeUser(catalog, 'BOB')).toMatchObject({ id: 'bob' });
    expect(await removeUser(catalog, 'ops')).toMatchObject({ id: 'ops' });
    expect((await catalog.listUsers()).map((user) => user.id)).toEqual(['root']);
  });

  it('refuses to remove the last admin, saying how to go on', async () => {
    await createUser(dependencies(), { id: 'root', role: 'admin', password });
    await createUser(dependencies(), { id: 'bob', role: 'member', password });
    const error = await rejectionOf(removeUser(catalog, 'root'));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toMatch(/last admin/);
    expect(error.hint).toMatch(/--role admin/);
    expect(await catalog.getUser('root')).toBeDefined();
  });

  it('says so when the account does not exist', async () => {
    await expect(removeUser(catalog, 'ghost')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses to let an account remove itself, in any case, but lets it remove others', async () => {
    for (const id of ['root', 'ops', 'bob'])
      await createUser(dependencies(), { id, role: 'admin', password });
    const error = await rejectionOf(removeUser(catalog, 'ROOT', { requester: { id: 'root' } }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe('You cannot remove your own account while signed in with it.');
    expect(await catalog.getUser('root')).toBeDefined();
    expect(await removeUser(catalog, 'bob', { requester: { id: 'root' } })).toMatchObject({ id: 'bob' });
    // The command line acts as nobody, so any account may go (the last-admin rule still holds).
    expect(await removeUser(catalog, 'root')).toMatchObject({ id: 'root' });
  });
});

describe('generatePassword', () => {
  it('makes 24 random base64url characters, accepted as a password', async () => {
    const generated = generatePassword();
    expect(generated).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(generatePassword()).not.toBe(generated);
    await createUser(dependencies(), { id: 'bob', role: 'member', password: generated });
    expect(await authenticateUser(catalog, 'bob', generated)).toBeDefined();
  });
});
