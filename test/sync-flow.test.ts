import { writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RepoSettings } from '../src/core/ports/catalog.ts';
import type { ObjectStore } from '../src/core/ports/object-store.ts';
import { syncAll } from '../src/sync/sync-all.ts';
import { syncRepository } from '../src/sync/sync-repository.ts';
import { buildTarGz, buildZip } from './support/archives.ts';
import { buildSourceTarball } from './support/source-tarball.ts';
import { createSyncHarness, type SyncHarness, testToken } from './support/sync-harness.ts';

let harness: SyncHarness;

beforeEach(async () => {
  harness = await createSyncHarness();
});
afterEach(async () => {
  await harness.close();
});

const v1Files = {
  'README.md': '# demo\n',
  'src/index.ts': 'export const version = 1;\n',
  'docs/image.png': 'PNG',
};
const v2Files = {
  'README.md': '# demo v2\n',
  'src/index.ts': 'export const version = 2;\n',
  'src/new.ts': 'new\n',
};

/** Adds a user repository with default settings, overridden by `settings`. */
async function addRepo(id: string, settings: Partial<Omit<RepoSettings, 'id'>> = {}) {
  return harness.catalog.addRepo({
    id,
    enabled: true,
    ignoreFile: null,
    track: 'releases',
    asset: null,
    origin: 'user',
    ...settings,
  });
}

async function addDemoRepo(ignoreFile: string | null = null) {
  return addRepo('acme/demo', { ignoreFile });
}

async function publish(tag: string, files: Record<string, string>, previous: string[] = []) {
  const archives: Record<string, { body: Buffer }> = {};
  for (const [oldTag, oldFiles] of previous.map((name) => [name, v1Files] as const)) {
    archives[oldTag] = { body: await buildSourceTarball('acme-demo-1111111', oldFiles) };
  }
  archives[tag] = { body: await buildSourceTarball(`acme-demo-${tag.replace(/\W/g, '')}abc`, files) };
  harness.github.setRepo('acme', 'demo', {
    releases: [...previous.map((name) => ({ tag: name })), { tag }],
    archives,
  });
}

async function demoRepo() {
  const repo = await harness.catalog.getRepo('acme/demo');
  if (!repo) throw new Error('the demo repo is missing');
  return repo;
}

async function syncDemo() {
  return syncRepository(await demoRepo(), harness.context());
}

describe('release sync', () => {
  it('extracts a first release into current/ with the top folder stripped and the ignore file applied', async () => {
    const ignoreFile = path.join(harness.folder, 'demo.ignore');
    await writeFile(ignoreFile, '*.png\n');
    await addDemoRepo(ignoreFile);
    await publish('v1.0.0', v1Files);
    const result = await syncDemo();
    expect(result).toMatchObject({
      id: 'acme/demo',
      status: 'updated',
      tag: 'v1.0.0',
      previousTag: null,
      files: 2,
      error: null,
    });
    expect(await harness.keys('current/')).toEqual([
      'current/acme/demo/v1.0.0/README.md',
      'current/acme/demo/v1.0.0/src/index.ts',
    ]);
    expect(await harness.keys('staging/')).toEqual([]);
    const record = await harness.catalog.getRepo('acme/demo');
    expect(record).toMatchObject({
      version: 'v1.0.0',
      status: 'updated',
      files: 2,
      bytes: result.bytes,
      error: null,
    });
    expect(record?.etag).toBeTruthy();
    const [run] = await harness.catalog.listSyncRuns({ repoId: 'acme/demo' });
    expect(run).toMatchObject({ status: 'updated', tag: 'v1.0.0', files: 2, skipped: 1 });
    expect(harness.events).toEqual([
      expect.objectContaining({
        event: 'release-extracted',
        repo: 'acme/demo',
        tag: 'v1.0.0',
        previousTag: null,
        files: 2,
      }),
    ]);
    expect(harness.events[0]?.message).toMatch(
      /^Repository acme\/demo with the tag v1\.0\.0 has been extracted to file:\/\//,
    );
  });

  it('answers unchanged from the stored ETag without downloading, then archives the old version on a new release', async () => {
    await addDemoRepo();
    await publish('v1.0.0', v1Files);
    await syncDemo();
    const before = harness.github.requests.length;
    expect(await syncDemo()).toMatchObject({ status: 'unchanged', tag: 'v1.0.0', files: 3 });
    const checks = harness.github.requests.slice(before);
    expect(checks.map((request) => request.path)).toEqual(['/api/v3/repos/acme/demo/releases/latest']);
    expect(checks[0]?.headers['if-none-match']).toBeTruthy();

    await publish('v2.0.0', v2Files, ['v1.0.0']);
    expect(await syncDemo()).toMatchObject({
      status: 'updated',
      tag: 'v2.0.0',
      previousTag: 'v1.0.0',
      files: 3,
    });
    expect(await harness.keys('current/')).toEqual([
      'current/acme/demo/v2.0.0/README.md',
      'current/acme/demo/v2.0.0/src/index.ts',
      'current/acme/demo/v2.0.0/src/new.ts',
    ]);
    expect(await harness.keys('archived/')).toHaveLength(3);
    expect(harness.events.at(-1)).toMatchObject({ tag: 'v2.0.0', previousTag: 'v1.0.0' });
  });

  it('reports no-release for a repository without releases, and a clear failure for one that does not exist', async () => {
    harness.github.setRepo('acme', 'empty', {});
    await addRepo('acme/empty');
    await addRepo('acme/gone');
    await addDemoRepo();
    await publish('v1.0.0', v1Files);
    const results = await syncAll(harness.context(), { concurrency: 2 });
    expect(results.map((result) => [result.id, result.status])).toEqual([
      ['acme/demo', 'updated'],
      ['acme/empty', 'no-release'],
      ['acme/gone', 'failed'],
    ]);
    expect(results[2]?.error).toMatch(/acme\/gone was not found/);
    expect(await harness.catalog.getRepo('acme/gone')).toMatchObject({ status: 'failed', version: null });
  });

  it('keeps the previous version when the new tag vanished before download', async () => {
    await addDemoRepo();
    await publish('v1.0.0', v1Files);
    await syncDemo();
    await publish('v2.0.0', v2Files, ['v1.0.0']);
    harness.github.removeArchive('acme', 'demo', 'v2.0.0');
    const result = await syncDemo();
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/v2\.0\.0/);
    expect(await harness.keys('current/')).toEqual(
      expect.arrayContaining(['current/acme/demo/v1.0.0/README.md']),
    );
    expect(await harness.keys('current/')).toHaveLength(3);
    expect(await harness.catalog.getRepo('acme/demo')).toMatchObject({ version: 'v1.0.0', status: 'failed' });
  });

  it('keeps the previous version and leaves nothing in staging when the new archive is corrupt', async () => {
    await addDemoRepo();
    await publish('v1.0.0', v1Files);
    await syncDemo();
    const good = await buildSourceTarball('acme-demo-2222', v2Files);
    harness.github.setRepo('acme', 'demo', {
      releases: [{ tag: 'v1.0.0' }, { tag: 'v2.0.0' }],
      archives: { 'v2.0.0': { body: good.subarray(0, Math.floor(good.length / 2)) } },
    });
    const result = await syncDemo();
    expect(result).toMatchObject({ status: 'failed' });
    expect(result.error).toMatch(/corrupt|truncated/i);
    expect(await harness.keys('current/')).toHaveLength(3);
    expect(await harness.keys('staging/')).toEqual([]);
  });

  it('enforces sync.maxFiles while streaming and keeps current/ intact', async () => {
    await addDemoRepo();
    await publish('v1.0.0', v1Files);
    const result = await syncRepository(
      await demoRepo(),
      harness.context({
        limits: { maxDownloadBytes: 50e6, maxExtractedBytes: 50e6, maxFiles: 2 },
      }),
    );
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/sync\.maxFiles/);
    expect(await harness.keys('')).toEqual([]);
  });

  it('rejects a malformed ignore file before downloading anything', async () => {
    const ignoreFile = path.join(harness.folder, 'bad.ignore');
    await writeFile(ignoreFile, Buffer.from([0x2a, 0x00, 0xff, 0x0a]));
    await addDemoRepo(ignoreFile);
    await publish('v1.0.0', v1Files);
    const result = await syncDemo();
    expect(result.status).toBe('failed');
    expect(result.error).toContain(ignoreFile);
    expect(harness.github.requests.filter((request) => request.path.includes('tarball'))).toEqual([]);
  });

  it('rolls back to the recorded version when the process fails between promotion and the catalog update', async () => {
    await addDemoRepo();
    await publish('v1.0.0', v1Files);
    await syncDemo();
    await publish('v2.0.0', v2Files, ['v1.0.0']);
    const failingStore = failOnMove(harness.store, 2);
    const repo = await demoRepo();
    const failed = await syncRepository(repo, harness.context({ store: failingStore }));
    expect(failed).toMatchObject({ status: 'failed' });
    expect(await harness.keys('current/')).toEqual([
      'current/acme/demo/v1.0.0/README.md',
      'current/acme/demo/v1.0.0/docs/image.png',
      'current/acme/demo/v1.0.0/src/index.ts',
    ]);
    expect(await harness.keys('archived/')).toEqual([]);
    expect(await syncDemo()).toMatchObject({ status: 'updated', tag: 'v2.0.0', previousTag: 'v1.0.0' });
  });

  it('recovers after a run that died mid-way (left running, with staging files and a half-promoted version)', async () => {
    await addDemoRepo();
    await publish('v1.0.0', v1Files);
    await syncDemo();
    await harness.catalog.startSyncRun({
      id: 'dead-run',
      repoId: 'acme/demo',
      startedAt: new Date().toISOString(),
    });
    await harness.store.put('staging/acme/demo/dead-run/acme-demo-x/README.md', 'partial');
    await harness.store.put('current/acme/demo/v2.0.0/README.md', 'partial');
    await publish('v2.0.0', v2Files, ['v1.0.0']);
    harness.github.removeArchive('acme', 'demo', 'v2.0.0');
    expect(await syncDemo()).toMatchObject({ status: 'failed' });
    expect(await harness.keys('staging/')).toEqual([]);
    expect((await harness.keys('current/')).every((key) => key.startsWith('current/acme/demo/v1.0.0/'))).toBe(
      true,
    );
    const runs = await harness.catalog.listSyncRuns({ repoId: 'acme/demo' });
    expect(runs.find((run) => run.id === 'dead-run')).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/Interrupted/),
    });
  });

  it('refuses to sync a repository another live process holds, naming that process', async () => {
    await addDemoRepo();
    await publish('v1.0.0', v1Files);
    await harness.catalog.tryLock('sync:acme/demo', {
      token: 'other',
      pid: 4242,
      host: 'build-box',
      acquiredAt: new Date().toISOString(),
    });
    const result = await syncDemo();
    expect(result).toMatchObject({ status: 'failed' });
    expect(result.error).toMatch(/process 4242 on build-box/);
    expect(await harness.keys('')).toEqual([]);
  });

  it('breaks a lock left by a dead process on this host', async () => {
    await addDemoRepo();
    await publish('v1.0.0', v1Files);
    const context = harness.context();
    await harness.catalog.tryLock('sync:acme/demo', {
      token: 'dead',
      pid: 999999,
      host: context.lock.host,
      acquiredAt: '2026-01-01T00:00:00.000Z',
    });
    const result = await syncRepository(
      await demoRepo(),
      harness.context({
        lock: { ...context.lock, isProcessAlive: (pid) => pid !== 999999 },
      }),
    );
    expect(result.status).toBe('updated');
  });

  it('never lets the GitHub token reach errors, the catalog or logs', async () => {
    await addDemoRepo();
    await addRepo('acme/gone');
    await publish('v1.0.0', v1Files);
    harness.github.failNext(10, 401);
    const results = await syncAll(harness.context(), { concurrency: 1 });
    expect(results.every((result) => result.status === 'failed')).toBe(true);
    const everything = JSON.stringify({
      results,
      repos: await harness.catalog.listRepos(),
      runs: await harness.catalog.listSyncRuns(),
    });
    expect(everything).not.toContain(testToken);
    expect(harness.logger.text()).not.toContain(testToken);
    expect(
      harness.github.requests.some((request) => String(request.headers.authorization).includes(testToken)),
    ).toBe(true);
  });
  it('downloads a named release asset (zip) instead of the source tarball', async () => {
    await addRepo('acme/demo', { asset: '*.zip' });
    const zip = buildZip([
      { path: 'dist/app.js', body: 'app' },
      { path: 'dist/lib/util.js', body: 'util' },
    ]);
    harness.github.setRepo('acme', 'demo', {
      releases: [
        {
          tag: 'v3.0.0',
          assets: [
            { name: 'checksums.txt', body: Buffer.from('x') },
            { name: 'demo-v3.zip', body: zip },
          ],
        },
      ],
    });
    expect(await syncDemo()).toMatchObject({ status: 'updated', tag: 'v3.0.0', files: 2 });
    expect(await harness.keys('current/')).toEqual([
      'current/acme/demo/v3.0.0/app.js',
      'current/acme/demo/v3.0.0/lib/util.js',
    ]);
  });

  it('tracks the highest semver tag with --track tags, ignoring pre-releases and non-semver tags', async () => {
    await addRepo('acme/demo', { track: 'tags' });
    const body = await buildSourceTarball('acme-demo-tags', { 'a.txt': 'a' });
    harness.github.setRepo('acme', 'demo', {
      tags: ['nightly', 'v1.10.0', 'v1.9.3', 'v2.0.0-rc.1'],
      archives: { 'v1.10.0': { body } },
    });
    expect(await syncDemo()).toMatchObject({ status: 'updated', tag: 'v1.10.0', files: 1 });
  });

  it('rejects a release with an entry that escapes its folder, writing nothing outside staging and keeping current/', async () => {
    await addDemoRepo();
    await publish('v1.0.0', v1Files);
    await syncDemo();
    const evil = buildTarGz([
      { path: 'acme-demo-evil/', type: 'directory' },
      { path: 'acme-demo-evil/ok.txt', body: 'fine' },
      { path: 'acme-demo-evil/../../../escaped.txt', body: 'pwned' },
    ]);
    harness.github.setRepo('acme', 'demo', {
      releases: [{ tag: 'v1.0.0' }, { tag: 'v2.0.0' }],
      archives: { 'v2.0.0': { body: evil } },
    });
    const result = await syncDemo();
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/escapes the release folder/);
    expect(await harness.keys('')).toEqual([
      'current/acme/demo/v1.0.0/README.md',
      'current/acme/demo/v1.0.0/docs/image.png',
      'current/acme/demo/v1.0.0/src/index.ts',
    ]);
    const { readdir } = await import('node:fs/promises');
    expect((await readdir(harness.folder)).sort()).toEqual([
      'objects',
      'quarry.sqlite',
      'quarry.sqlite-shm',
      'quarry.sqlite-wal',
    ]);
  });
  it('keeps the new version when a failure comes after the catalog recorded it', async () => {
    await addDemoRepo();
    await publish('v1.0.0', v1Files);
    await syncDemo();
    await publish('v2.0.0', v2Files, ['v1.0.0']);
    let failed = false;
    const flaky: ObjectStore = Object.assign(Object.create(harness.store) as ObjectStore, {
      deletePrefix: async (prefix: string) => {
        if (!failed && prefix.startsWith('staging/')) {
          failed = true;
          throw new Error('simulated failure while tidying staging');
        }
        return harness.store.deletePrefix(prefix);
      },
    });
    expect(await syncRepository(await demoRepo(), harness.context({ store: flaky }))).toMatchObject({
      status: 'failed',
    });
    expect(await demoRepo()).toMatchObject({ version: 'v2.0.0' });
    expect(await syncDemo()).toMatchObject({ status: 'unchanged', tag: 'v2.0.0' });
    expect((await harness.keys('current/')).every((key) => key.startsWith('current/acme/demo/v2.0.0/'))).toBe(
      true,
    );
    expect(await harness.keys('current/')).toHaveLength(3);
  });

  it('re-reads the record under the lock, so a stale copy cannot roll back a newer sync', async () => {
    await addDemoRepo();
    await publish('v1.0.0', v1Files);
    await syncDemo();
    const staleRecord = await demoRepo();
    await publish('v2.0.0', v2Files, ['v1.0.0']);
    await syncDemo();
    harness.github.setRepo('acme', 'demo', { releases: [{ tag: 'v3.0.0' }], archives: {} });
    expect(await syncRepository(staleRecord, harness.context())).toMatchObject({
      status: 'failed',
      previousTag: 'v2.0.0',
    });
    expect(await harness.keys('current/')).toHaveLength(3);
    expect((await harness.keys('current/')).every((key) => key.startsWith('current/acme/demo/v2.0.0/'))).toBe(
      true,
    );
  });

  it('downloads again when the recorded version has vanished from the store', async () => {
    await addDemoRepo();
    await publish('v1.0.0', v1Files);
    await syncDemo();
    await harness.store.deletePrefix('current/');
    harness.github.failNext(3, 502);
    expect(await syncDemo()).toMatchObject({ status: 'failed' });
    expect(await demoRepo()).toMatchObject({ version: null, etag: null });
    expect(await syncDemo()).toMatchObject({ status: 'updated', tag: 'v1.0.0', files: 3 });
  });

  it('takes over a lock left by an earlier process with the same pid, or one older than the lock timeout', async () => {
    await addDemoRepo();
    await publish('v1.0.0', v1Files);
    const context = harness.context();
    const earlier = {
      token: 'earlier-instance:1',
      pid: process.pid,
      host: context.lock.host,
      acquiredAt: new Date().toISOString(),
    };
    await harness.catalog.tryLock('sync:acme/demo', earlier);
    expect(await syncDemo()).toMatchObject({ status: 'updated' });
    await harness.catalog.tryLock('sync:acme/demo', {
      token: 'remote',
      pid: 7,
      host: 'elsewhere',
      acquiredAt: '2020-01-01T00:00:00.000Z',
    });
    expect(await syncDemo()).toMatchObject({ status: 'unchanged' });
  });
});

/** A store whose `n`-th `movePrefix` fails, as if the process died at that step. */
function failOnMove(store: ObjectStore, failingCall: number): ObjectStore {
  let calls = 0;
  return Object.assign(Object.create(store) as ObjectStore, {
    movePrefix: async (from: string, to: string) => {
      calls += 1;
      if (calls === failingCall) throw new Error('simulated crash while moving');
      return store.movePrefix(from, to);
    },
  });
}
