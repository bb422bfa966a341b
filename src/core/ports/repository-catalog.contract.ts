import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '../errors/index.ts';
import { type CatalogUnderTest, describeCatalogSuite } from './catalog-suite.contract.ts';
import type { RepoRecord, RepoSettings, RepositoryCatalog, SyncRunRecord } from './repository-catalog.ts';

/** Registers the suite that checks every rule of the `RepositoryCatalog` port's contract. */
export function describeRepositoryCatalogContract(
  name: string,
  createCatalog: () => Promise<CatalogUnderTest<RepositoryCatalog>>,
): void {
  describeCatalogSuite(`RepositoryCatalog contract: ${name}`, createCatalog, (catalog) => {
    describeRepoRules(catalog);
    describeSyncRunRules(catalog);
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

function describeRepoRules(catalog: () => RepositoryCatalog): void {
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

function describeSyncRunRules(catalog: () => RepositoryCatalog): void {
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
