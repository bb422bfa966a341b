import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteCatalog } from '../adapters/sqlite/sqlite-catalog.ts';
import { ValidationError } from '../core/errors/index.ts';
import type { Catalog } from '../core/ports/catalog.ts';
import { ensureAdminAccount } from './ensure-admin.ts';
import { authenticateUser, createUser } from './users.ts';

let folder: string;
let catalog: Catalog;
const clock = () => new Date('2026-03-01T12:00:00.000Z');
const dependencies = () => ({ catalog, clock });

beforeEach(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'quarry-ensure-admin-'));
  catalog = createSqliteCatalog({ path: path.join(folder, 'quarry.sqlite') });
});

afterEach(async () => {
  await catalog.close();
  await rm(folder, { recursive: true, force: true });
});

describe('ensureAdminAccount', () => {
  it('creates admin with a generated password on an empty catalog, and returns the password once', async () => {
    const result = await ensureAdminAccount(dependencies());
    if (!result.created) throw new Error('Expected the admin account to be created.');
    expect(result.generated).toBe(true);
    expect(result.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(await authenticateUser(catalog, 'admin', result.password)).toMatchObject({
      id: 'admin',
      role: 'admin',
    });
    expect(await ensureAdminAccount(dependencies())).toEqual({ created: false });
  });

  it('uses the password given', async () => {
    const password = 'the operator chose this one';
    expect(await ensureAdminAccount(dependencies(), { password })).toEqual({
      created: true,
      password,
      generated: false,
    });
    expect(await authenticateUser(catalog, 'admin', password)).toBeDefined();
  });

  it('refuses a password given too short, creating nothing', async () => {
    await expect(ensureAdminAccount(dependencies(), { password: 'short' })).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(await catalog.listUsers()).toEqual([]);
  });

  it('does nothing when any user exists, even a member', async () => {
    await createUser(dependencies(), { id: 'bob', role: 'member', password: 'a long enough passphrase' });
    expect(await ensureAdminAccount(dependencies())).toEqual({ created: false });
    expect(await ensureAdminAccount(dependencies(), { password: undefined })).toEqual({ created: false });
    expect((await catalog.listUsers()).map((user) => user.id)).toEqual(['bob']);
  });

  it('creates one admin when several starts race on an empty catalog', async () => {
    const results = await Promise.all(Array.from({ length: 4 }, () => ensureAdminAccount(dependencies())));
    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect(await catalog.listUsers()).toHaveLength(1);
  });
});
