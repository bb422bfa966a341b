import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteCatalog } from '../adapters/sqlite/sqlite-catalog.ts';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors/index.ts';
import type { Catalog } from '../core/ports/catalog.ts';
import { addOrReplaceRepo, addRepo, changeRepo, removeRepo, requireRepo } from './repo-registry.ts';

let folder: string;
let catalog: Catalog;

beforeEach(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'quarry-repo-registry-'));
  catalog = createSqliteCatalog({ path: path.join(folder, 'quarry.sqlite') });
  await catalog.addRepo({
    id: 'awslabs/managed',
    enabled: true,
    origin: 'config',
    ignoreFile: null,
    track: 'releases',
    asset: null,
  });
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

describe('addRepo', () => {
  it('normalises the id and adds a user-managed repository with default settings', async () => {
    const repo = await addRepo(catalog, { id: ' acme/tools.git ' });
    expect(repo).toMatchObject({
      id: 'acme/tools',
      enabled: true,
      origin: 'user',
      track: 'releases',
      asset: null,
      ignoreFile: null,
    });
    await expect(addRepo(catalog, { id: 'not a repo' })).rejects.toBeInstanceOf(ValidationError);
  });

  it('refuses a repository already watched, in any case, keeping the first', async () => {
    await addRepo(catalog, { id: 'acme/tools', track: 'tags' });
    const error = await rejectionOf(addRepo(catalog, { id: 'ACME/Tools', enabled: false }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe('Repository acme/tools is already watched.');
    expect(await catalog.getRepo('acme/tools')).toMatchObject({ track: 'tags', enabled: true });
  });
});

describe('addOrReplaceRepo', () => {
  it('adds, then replaces every setting of a user repository (left out: default) and enables it', async () => {
    const first = await addOrReplaceRepo(catalog, { id: 'acme/tools', track: 'tags', asset: '*.zip' });
    expect(first).toMatchObject({ created: true, repo: { track: 'tags', asset: '*.zip' } });
    await changeRepo(catalog, 'acme/tools', { enabled: false });
    const second = await addOrReplaceRepo(catalog, { id: 'ACME/tools', ignoreFile: '/rules.ignore' });
    expect(second).toMatchObject({
      created: false,
      repo: { id: 'acme/tools', enabled: true, track: 'releases', asset: null, ignoreFile: '/rules.ignore' },
    });
  });

  it('refuses a repository managed by the configuration, changing nothing', async () => {
    const error = await rejectionOf(addOrReplaceRepo(catalog, { id: 'awslabs/managed', track: 'tags' }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(await catalog.getRepo('awslabs/managed')).toMatchObject({ track: 'releases' });
  });
});

describe('changeRepo', () => {
  it('changes only the fields given', async () => {
    await addRepo(catalog, { id: 'acme/tools', asset: '*.zip' });
    expect(await changeRepo(catalog, 'acme/tools', { track: 'tags' })).toMatchObject({
      track: 'tags',
      asset: '*.zip',
      enabled: true,
    });
    expect(await changeRepo(catalog, 'acme/tools', { asset: null })).toMatchObject({ asset: null });
  });

  it('enables and disables a configured repository but refuses to change its other settings', async () => {
    expect(await changeRepo(catalog, 'awslabs/managed', { enabled: false })).toMatchObject({
      enabled: false,
    });
    for (const changes of [{ track: 'tags' as const }, { asset: '*.zip' }, { ignoreFile: null }]) {
      const error = await rejectionOf(changeRepo(catalog, 'awslabs/managed', { enabled: true, ...changes }));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toBe(
        'Repository awslabs/managed is managed by sync.repos in the configuration; cannot change it here.',
      );
      expect(error.hint).toMatch(/quarry\.config\.yaml; only enabling and disabling work here/);
    }
    expect(await catalog.getRepo('awslabs/managed')).toMatchObject({ enabled: false, track: 'releases' });
  });

  it('asks the precondition about the current record before changing anything', async () => {
    await addRepo(catalog, { id: 'acme/tools' });
    const seen: string[] = [];
    const refusal = new Error('changed meanwhile');
    const error = await rejectionOf(
      changeRepo(
        catalog,
        'ACME/tools',
        { enabled: false },
        {
          precondition: (current) => {
            seen.push(`${current.id} ${current.enabled}`);
            throw refusal;
          },
        },
      ),
    );
    expect(error).toBe(refusal);
    expect(seen).toEqual(['acme/tools true']);
    expect(await catalog.getRepo('acme/tools')).toMatchObject({ enabled: true });
  });
});

describe('removeRepo', () => {
  it('removes a user repository and refuses a configured one, saying how to drop it', async () => {
    await addRepo(catalog, { id: 'acme/tools' });
    expect(await removeRepo(catalog, 'Acme/Tools')).toMatchObject({ id: 'acme/tools' });
    expect(await catalog.getRepo('acme/tools')).toBeUndefined();
    const error = await rejectionOf(removeRepo(catalog, 'awslabs/managed'));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toMatch(/managed by sync\.repos in the configuration; cannot remove it here\.$/);
    expect(error.hint).toMatch(/quarry repos disable awslabs\/managed/);
    expect(await catalog.getRepo('awslabs/managed')).toBeDefined();
  });
});

describe('requireRepo', () => {
  it('finds a repository however its id is spelled, and names an unknown one', async () => {
    expect((await requireRepo(catalog, 'AWSLABS/managed.git')).id).toBe('awslabs/managed');
    for (const attempt of [
      requireRepo(catalog, 'acme/nope'),
      changeRepo(catalog, 'acme/nope', { enabled: true }),
      removeRepo(catalog, 'acme/nope'),
    ]) {
      const error = await rejectionOf(attempt);
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error.message).toBe('Repository acme/nope is not watched.');
    }
  });
});
