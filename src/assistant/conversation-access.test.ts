import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteCatalog } from '../adapters/sqlite/sqlite-catalog.ts';
import { NotFoundError } from '../core/errors/index.ts';
import type { Catalog } from '../core/ports/catalog.ts';
import { rejectionOf } from '../models/language-runtime.test-support.ts';
import { deleteConversation, findConversation, listConversations } from './conversation-access.ts';

let folder: string;
let catalog: Catalog;

beforeEach(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'quarry-conversation-access-'));
  catalog = createSqliteCatalog({ path: path.join(folder, 'quarry.sqlite') });
  const createdAt = '2026-11-22T10:00:00.000Z';
  await catalog.createConversation({ id: 'c-alice', title: 'alice asks', createdAt, owner: 'alice' });
  await catalog.createConversation({ id: 'c-bob', title: 'bob asks', createdAt, owner: 'bob' });
  await catalog.createConversation({ id: 'c-cli', title: 'asked at the terminal', createdAt });
});

afterEach(async () => {
  await catalog.close();
  await rm(folder, { recursive: true, force: true });
});

describe('findConversation', () => {
  it("answers someone else's conversation word for word as an unknown one", async () => {
    expect((await findConversation(catalog, 'c-alice', { owner: 'alice' })).id).toBe('c-alice');
    const foreign = await rejectionOf(findConversation(catalog, 'c-bob', { owner: 'alice' }));
    const unknown = await rejectionOf(findConversation(catalog, 'c-nothing', { owner: 'alice' }));
    expect(foreign).toBeInstanceOf(NotFoundError);
    expect(unknown).toBeInstanceOf(NotFoundError);
    expect(foreign.message).toBe('There is no conversation c-bob.');
    expect(foreign.message.replace('c-bob', 'ID')).toBe(unknown.message.replace('c-nothing', 'ID'));
    expect(foreign.hint).toBe(unknown.hint);
  });

  it('keeps conversations private to their owner, admins included, and compares owners exactly', async () => {
    // The owner stored is the account's own spelling; another spelling is another (or a re-created) account.
    await expect(findConversation(catalog, 'c-alice', { owner: 'Alice' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    // A conversation started at the terminal belongs to no account, so no account reaches it.
    await expect(findConversation(catalog, 'c-cli', { owner: 'alice' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('lets the command line (no owner) reach every conversation', async () => {
    for (const id of ['c-alice', 'c-bob', 'c-cli']) expect((await findConversation(catalog, id)).id).toBe(id);
  });

  it("uses the caller's hint for an unknown conversation", async () => {
    const error = await rejectionOf(findConversation(catalog, 'c-nothing', { notFoundHint: 'Try --list.' }));
    expect(error.hint).toBe('Try --list.');
  });
});

describe('listConversations', () => {
  it("lists an account's own conversations, or every one for the command line", async () => {
    expect((await listConversations(catalog, { owner: 'alice' })).map((each) => each.id)).toEqual([
      'c-alice',
    ]);
    expect((await listConversations(catalog, {})).map((each) => each.id).sort()).toEqual([
      'c-alice',
      'c-bob',
      'c-cli',
    ]);
    expect(await listConversations(catalog, { limit: 1 })).toHaveLength(1);
  });
});

describe('deleteConversation', () => {
  it("deletes one's own conversation and refuses someone else's, leaving it untouched", async () => {
    await expect(deleteConversation(catalog, 'c-bob', { owner: 'alice' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    expect(await catalog.getConversation('c-bob')).toBeDefined();
    expect((await deleteConversation(catalog, 'c-alice', { owner: 'alice' })).id).toBe('c-alice');
    expect(await catalog.getConversation('c-alice')).toBeUndefined();
  });
});
