import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../errors/index.ts';
import type { Catalog, LockHolder, RepoRecord, RepoSettings, SyncRunRecord } from './catalog.ts';

/** What a contract run needs from an adapter: a fresh, empty catalog and a way to dispose of it. */
export interface CatalogUnderTest {
  catalog: Catalog;
  /** Closes the catalog and removes whatever backs it (files, tables, ...). */
  cleanup: () => Promise<void>;
}

/**
 * Registers the Vitest suite that checks every rule of the `Catalog` port's contract. Each adapter's test
 * file calls it once; `createCatalog` is called before every test and must return an empty catalog.
 */
export function describeCatalogContract(name: string, createCatalog: () => Promise<CatalogUnderTest>): void {
  describe(`Catalog contract: ${name}`, () => {
    const context: { current?: CatalogUnderTest } = {};
    const catalog = (): Catalog => {
      if (context.current === undefined) throw new Error('The catalog under test was not created.');
      return context.current.catalog;
    };

    beforeEach(async () => {
      context.current = await createCatalog();
    });
    afterEach(async () => {
      await context.current?.cleanup();
      delete context.current;
    });

    describeRepoRules(catalog);
    describeSyncRunRules(catalog);
    describeLockRules(catalog);
  });
}

function settingsOf(id: string, overrides: Partial<RepoSettings> = {}): RepoSettings {
  return {
    id,
    enabled: true,
    ignoreFile: null,
    track: 'releases',
    asset: null,
    origin: 'user',
    ...overrides,
  };
}

function describeRepoRules(catalog: () => Catalog): void {
  describe('repositories', () => {
    it('adds a repository with the given settings and empty sync state', async () => {
      const settings = settingsOf('Owner/Project', {
        enabled: false,
        ignoreFile: '/etc/quarry/project.ignore',
        track: 'tags',
        asset: '*.tar.gz',
        origin: 'config',
      });
      const added = await catalog().addRepo(settings);
      const expected: RepoRecord = {
        ...settings,
        version: null,
        modified: null,
        lastCheckedAt: null,
        etag: null,
        status: null,
        error: null,
        files: 0,
        bytes: 0,
      };
      expect(added).toEqual(expected);
      expect(await catalog().getRepo('Owner/Project')).toEqual(expected);
    });

    it('finds repositories whatever the case of the id, keeping the spelling they were added with', async () => {
      await catalog().addRepo(settingsOf('AwsLabs/Some-Repo'));
      expect((await catalog().getRepo('awslabs/some-repo'))?.id).toBe('AwsLabs/Some-Repo');
      expect((await catalog().getRepo('AWSLABS/SOME-REPO'))?.id).toBe('AwsLabs/Some-Repo');
    });

    it('returns undefined for a repository it does not hold', async () => {
      await catalog().addRepo(settingsOf('owner/one'));
      expect(await catalog().getRepo('owner/two')).toBeUndefined();
    });

    it('refuses to add an id already present, in any case, and keeps the first record', async () => {
      await catalog().addRepo(settingsOf('owner/project', { track: 'releases' }));
      await expect(catalog().addRepo(settingsOf('OWNER/Project', { track: 'tags' }))).rejects.toBeInstanceOf(
        ConflictError,
      );
      expect(await catalog().listRepos()).toEqual([
        expect.objectContaining({ id: 'owner/project', track: 'releases' }),
      ]);
    });

    it('lists repositories sorted by id, ignoring case', async () => {
      for (const id of ['gamma/three', 'Beta/two', 'delta/four', 'alpha/one'])
        await catalog().addRepo(settingsOf(id));
      const ids = (await catalog().listRepos()).map((repo) => repo.id);
      expect(ids).toEqual(['alpha/one', 'Beta/two', 'delta/four', 'gamma/three']);
    });

    it('lists nothing when empty', async () => {
      expect(await catalog().listRepos()).toEqual([]);
    });

    it('updates only the given fields and returns the whole new record', async () => {
      const added = await catalog().addRepo(settingsOf('Owner/Project', { asset: '*.zip' }));
      const changes = { version: 'v1.2.0', modified: '2025-01-02T03:04:05.000Z', files: 12, bytes: 3456 };
      const updated = await catalog().updateRepo('owner/project', changes);
      expect(updated).toEqual({ ...added, ...changes });
      expect(await catalog().getRepo('Owner/Project')).toEqual(updated);
    });

    it('updates every kind of field, including back to null and false', async () => {
      await catalog().addRepo(settingsOf('owner/project'));
      const failed = await catalog().updateRepo('owner/project', {
        status: 'failed',
        error: 'GitHub answered 502.',
        etag: '"abc"',
        enabled: false,
        lastCheckedAt: '2025-02-03T04:05:06.000Z',
        track: 'tags',
        origin: 'config',
      });
      expect(failed).toMatchObject({ status: 'failed', enabled: false, track: 'tags', origin: 'config' });
      const recovered = await catalog().updateRepo('owner/project', { status: 'unchanged', error: null });
      expect(recovered).toEqual({ ...failed, status: 'unchanged', error: null });
    });

    it('leaves the record as it was when no fields are given', async () => {
      const added = await catalog().addRepo(settingsOf('owner/project'));
      expect(await catalog().updateRepo('owner/project', {})).toEqual(added);
    });

    it('refuses to update or remove a repository it does not hold', async () => {
      await catalog().addRepo(settingsOf('owner/one'));
      await expect(catalog().updateRepo('owner/two', { enabled: false })).rejects.toBeInstanceOf(
        NotFoundError,
      );
      await expect(catalog().removeRepo('owner/two')).rejects.toBeInstanceOf(NotFoundError);
      expect(await catalog().listRepos()).toHaveLength(1);
    });

    it('removes a repository whatever the case of the id, and only that one', async () => {
      await catalog().addRepo(settingsOf('Owner/One'));
      await catalog().addRepo(settingsOf('owner/two'));
      await catalog().removeRepo('OWNER/ONE');
      expect(await catalog().getRepo('owner/one')).toBeUndefined();
      expect((await catalog().listRepos()).map((repo) => repo.id)).toEqual(['owner/two']);
      await catalog().addRepo(settingsOf('owner/one'));
      expect(await catalog().getRepo('Owner/One')).toBeDefined();
    });
  });
}

function finished(
  overrides: Partial<SyncRunRecord> = {},
): Omit<SyncRunRecord, 'id' | 'repoId' | 'startedAt'> {
  return {
    finishedAt: '2025-03-01T10:00:05.000Z',
    status: 'updated',
    tag: 'v2.0.0',
    previousTag: 'v1.9.0',
    files: 120,
    bytes: 987_654,
    skipped: 3,
    durationMs: 5000,
    error: null,
    ...overrides,
  };
}

function describeSyncRunRules(catalog: () => Catalog): void {
  describe('sync runs', () => {
    it('records a started run as running with nothing counted yet', async () => {
      await catalog().startSyncRun({
        id: 'run-1',
        repoId: 'owner/project',
        startedAt: '2025-03-01T10:00:00.000Z',
      });
      expect(await catalog().listSyncRuns()).toEqual([
        {
          id: 'run-1',
          repoId: 'owner/project',
          startedAt: '2025-03-01T10:00:00.000Z',
          finishedAt: null,
          status: 'running',
          tag: null,
          previousTag: null,
          files: 0,
          bytes: 0,
          skipped: 0,
          durationMs: null,
          error: null,
        },
      ]);
    });

    it('records the outcome when the run finishes, keeping id, repository and start', async () => {
      const start = { id: 'run-1', repoId: 'owner/project', startedAt: '2025-03-01T10:00:00.000Z' };
      await catalog().startSyncRun(start);
      await catalog().finishSyncRun('run-1', finished());
      expect(await catalog().listSyncRuns()).toEqual([{ ...start, ...finished() }]);

      await catalog().startSyncRun({ ...start, id: 'run-2', startedAt: '2025-03-02T10:00:00.000Z' });
      const failure = finished({ status: 'failed', tag: null, previousTag: 'v2.0.0', error: 'Timed out.' });
      await catalog().finishSyncRun('run-2', failure);
      expect((await catalog().listSyncRuns())[0]).toEqual({
        ...start,
        id: 'run-2',
        startedAt: '2025-03-02T10:00:00.000Z',
        ...failure,
      });
    });

    it('lists runs newest first, filters by repository (ignoring case) and limits', async () => {
      const starts = [
        { id: 'b-2', repoId: 'owner/b', startedAt: '2025-03-02T00:00:00.000Z' },
        { id: 'a-1', repoId: 'owner/a', startedAt: '2025-03-01T00:00:00.000Z' },
        { id: 'a-3', repoId: 'owner/a', startedAt: '2025-03-03T00:00:00.000Z' },
        { id: 'b-4', repoId: 'owner/b', startedAt: '2025-03-04T00:00:00.000Z' },
        { id: 'a-2', repoId: 'owner/a', startedAt: '2025-03-02T12:00:00.000Z' },
      ];
      for (const start of starts) await catalog().startSyncRun(start);
      const ids = (runs: SyncRunRecord[]) => runs.map((run) => run.id);

      expect(ids(await catalog().listSyncRuns())).toEqual(['b-4', 'a-3', 'a-2', 'b-2', 'a-1']);
      expect(ids(await catalog().listSyncRuns({ repoId: 'owner/a' }))).toEqual(['a-3', 'a-2', 'a-1']);
      expect(ids(await catalog().listSyncRuns({ repoId: 'OWNER/B' }))).toEqual(['b-4', 'b-2']);
      expect(ids(await catalog().listSyncRuns({ limit: 2 }))).toEqual(['b-4', 'a-3']);
      expect(ids(await catalog().listSyncRuns({ repoId: 'owner/a', limit: 1 }))).toEqual(['a-3']);
      expect(await catalog().listSyncRuns({ repoId: 'owner/none' })).toEqual([]);
    });
  });
}

function holderOf(token: string, pid = 100): LockHolder {
  return { token, pid, host: `host-${pid}`, acquiredAt: `2025-03-01T10:00:0${pid % 10}.000Z` };
}

function describeLockRules(catalog: () => Catalog): void {
  describe('locks', () => {
    it('acquires a free resource and reports the holder to the next caller', async () => {
      const first = holderOf('token-first', 101);
      expect(await catalog().tryLock('sync', first)).toEqual({ acquired: true });
      expect(await catalog().tryLock('sync', holderOf('token-second', 202))).toEqual({
        acquired: false,
        holder: first,
      });
    });

    it('locks each resource on its own', async () => {
      expect(await catalog().tryLock('sync:owner/a', holderOf('token-a'))).toEqual({ acquired: true });
      expect(await catalog().tryLock('sync:owner/b', holderOf('token-b'))).toEqual({ acquired: true });
    });

    it('lets exactly one of many simultaneous callers acquire', async () => {
      const holders = Array.from({ length: 8 }, (_, index) => holderOf(`token-${index}`, 100 + index));
      const attempts = await Promise.all(holders.map((holder) => catalog().tryLock('sync', holder)));
      const winners = holders.filter((_, index) => attempts[index]?.acquired);
      expect(winners).toHaveLength(1);
      for (const attempt of attempts.filter((each) => !each.acquired)) {
        expect(attempt).toEqual({ acquired: false, holder: winners[0] });
      }
    });

    it('ignores a release with a token that does not hold the lock', async () => {
      const first = holderOf('token-first', 101);
      await catalog().tryLock('sync', first);
      await catalog().releaseLock('sync', 'token-other');
      expect(await catalog().tryLock('sync', holderOf('token-second', 202))).toEqual({
        acquired: false,
        holder: first,
      });
    });

    it('frees the resource on a release with the holding token', async () => {
      await catalog().tryLock('sync', holderOf('token-first', 101));
      await catalog().releaseLock('sync', 'token-first');
      const second = holderOf('token-second', 202);
      expect(await catalog().tryLock('sync', second)).toEqual({ acquired: true });
      await catalog().releaseLock('sync', 'token-first');
      expect(await catalog().tryLock('sync', holderOf('token-third', 303))).toEqual({
        acquired: false,
        holder: second,
      });
    });

    it('accepts a release of a resource nobody holds', async () => {
      await expect(catalog().releaseLock('never-locked', 'token')).resolves.toBeUndefined();
    });

    it('breaks a lock only with the token that still holds it, so only one breaker wins', async () => {
      const first = holderOf('token-first', 101);
      await catalog().tryLock('sync', first);
      expect(await catalog().breakLock('sync', 'token-other')).toBe(false);
      expect(await catalog().tryLock('sync', holderOf('token-second', 202))).toEqual({
        acquired: false,
        holder: first,
      });
      expect(await catalog().breakLock('sync', 'token-first')).toBe(true);
      expect(await catalog().breakLock('sync', 'token-first')).toBe(false);
      expect(await catalog().tryLock('sync', holderOf('token-third', 303))).toEqual({ acquired: true });
      expect(await catalog().breakLock('never-locked', 'token')).toBe(false);
    });
  });
}
