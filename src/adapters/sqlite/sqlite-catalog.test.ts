import { spawn } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors/index.ts';
import { describeCatalogContract } from '../../core/ports/catalog.contract.ts';
import type { LockAttempt, LockHolder, RepoSettings } from '../../core/ports/catalog.ts';
import { createSqliteCatalog, type SqliteCatalog } from './sqlite-catalog.ts';

describeCatalogContract('sqlite', async () => {
  const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-'));
  const catalog = createSqliteCatalog({ path: path.join(folder, 'catalog.db') });
  return {
    catalog,
    cleanup: async () => {
      await catalog.close();
      await fs.rm(folder, { recursive: true, force: true });
    },
  };
});

const settings: RepoSettings = {
  id: 'Owner/Project',
  enabled: true,
  ignoreFile: null,
  track: 'releases',
  asset: null,
  origin: 'user',
};

function holderOf(token: string): LockHolder {
  return { token, pid: 4242, host: 'build-host', acquiredAt: '2025-03-01T10:00:00.000Z' };
}

describe('createSqliteCatalog', () => {
  const folders: string[] = [];
  const opened: SqliteCatalog[] = [];

  async function temporaryFolder(): Promise<string> {
    const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-'));
    folders.push(folder);
    return folder;
  }

  function open(databasePath: string, clock?: () => Date): SqliteCatalog {
    const catalog = createSqliteCatalog(
      clock === undefined ? { path: databasePath } : { path: databasePath, clock },
    );
    opened.push(catalog);
    return catalog;
  }

  afterEach(async () => {
    for (const catalog of opened.splice(0)) await catalog.close();
    for (const folder of folders.splice(0)) await fs.rm(folder, { recursive: true, force: true });
  });

  it('creates missing parent folders and uses write-ahead logging', async () => {
    const databasePath = path.join(await temporaryFolder(), 'home', 'data', 'catalog.db');
    const catalog = open(databasePath);
    expect(catalog.path).toBe(databasePath);
    const probe = new Database(databasePath);
    try {
      expect(probe.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      probe.close();
    }
  });

  it('keeps repositories, runs and locks when the file is opened again', async () => {
    const databasePath = path.join(await temporaryFolder(), 'catalog.db');
    const first = open(databasePath);
    await first.addRepo(settings);
    await first.updateRepo('owner/project', { version: 'v1.0.0', files: 3, bytes: 300 });
    await first.startSyncRun({ id: 'run-1', repoId: 'owner/project', startedAt: '2025-03-01T10:00:00.000Z' });
    await first.tryLock('sync', holderOf('token-first'));
    await first.close();

    const second = open(databasePath);
    expect(await second.getRepo('OWNER/PROJECT')).toMatchObject({
      id: 'Owner/Project',
      version: 'v1.0.0',
      files: 3,
    });
    expect((await second.listSyncRuns()).map((run) => run.id)).toEqual(['run-1']);
    expect(await second.tryLock('sync', holderOf('token-second'))).toEqual({
      acquired: false,
      holder: holderOf('token-first'),
    });
  });

  it('shares records and locks between two instances on one file', async () => {
    const databasePath = path.join(await temporaryFolder(), 'catalog.db');
    const left = open(databasePath);
    const right = open(databasePath);

    await left.addRepo(settings);
    await expect(right.addRepo({ ...settings, id: 'owner/PROJECT' })).rejects.toBeInstanceOf(ConflictError);
    expect(await left.tryLock('sync', holderOf('token-left'))).toEqual({ acquired: true });
    expect(await right.tryLock('sync', holderOf('token-right'))).toEqual({
      acquired: false,
      holder: holderOf('token-left'),
    });
    await right.releaseLock('sync', 'token-right');
    expect(await right.breakLock('sync', 'token-right')).toBe(false);
    await left.releaseLock('sync', 'token-left');
    expect(await right.tryLock('sync', holderOf('token-right'))).toEqual({ acquired: true });
  });

  it('lets exactly one of several processes acquire each lock on a fresh file', async () => {
    const databasePath = path.join(await temporaryFolder(), 'catalog.db');
    const tokens = ['token-0', 'token-1', 'token-2', 'token-3'];
    const attemptsByChild = await raceForLocks(databasePath, tokens, 200);

    const observer = open(databasePath);
    for (let index = 0; index < 200; index++) {
      const attempts = attemptsByChild.map((childAttempts) => childAttempts[index]);
      const winners = tokens.filter((_, child) => attempts[child]?.acquired === true);
      expect(winners).toHaveLength(1);
      const losers = attempts.filter((attempt) => attempt?.acquired === false);
      expect(losers.map((attempt) => attempt?.holder.token)).toEqual(
        Array(tokens.length - 1).fill(winners[0]),
      );
      expect(await observer.tryLock(`resource-${index}`, holderOf('token-observer'))).toMatchObject({
        acquired: false,
        holder: { token: winners[0] },
      });
    }
  });

  it('applies migrations once, however often the file is opened', async () => {
    const databasePath = path.join(await temporaryFolder(), 'catalog.db');
    const firstOpen = new Date('2025-01-01T00:00:00.000Z');
    await open(databasePath, () => firstOpen).close();
    await open(databasePath, () => new Date('2025-06-01T00:00:00.000Z')).close();
    open(databasePath);

    const probe = new Database(databasePath, { readonly: true });
    try {
      const rows = probe.prepare('SELECT scope, version, applied_at FROM schema_migrations').all();
      expect(rows).toEqual([{ scope: 'catalog', version: 1, applied_at: firstOpen.toISOString() }]);
    } finally {
      probe.close();
    }
  });

  it('refuses a database whose schema is newer than this code knows, leaving it unchanged', async () => {
    const databasePath = path.join(await temporaryFolder(), 'catalog.db');
    const catalog = open(databasePath);
    await catalog.addRepo(settings);
    await catalog.close();
    const editor = new Database(databasePath);
    editor
      .prepare('INSERT INTO schema_migrations (scope, version, name, applied_at) VALUES (?, ?, ?, ?)')
      .run('catalog', 99, 'from the future', '2030-01-01T00:00:00.000Z');
    editor.close();

    expect(() => open(databasePath)).toThrow(ValidationError);
    expect(() => open(databasePath)).toThrow(/version 99/);
    const probe = new Database(databasePath, { readonly: true });
    try {
      expect(probe.prepare('SELECT id FROM repos').all()).toEqual([{ id: 'Owner/Project' }]);
    } finally {
      probe.close();
    }
  });

  it('names the file and leaves it alone when it is not a SQLite database', async () => {
    const databasePath = path.join(await temporaryFolder(), 'catalog.db');
    const text = 'These are my notes, not a database.\n'.repeat(200);
    await fs.writeFile(databasePath, text);

    let thrown: unknown;
    try {
      open(databasePath);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).message).toBe(`The file ${databasePath} is not a SQLite database.`);
    expect((thrown as ValidationError).hint).toMatch(/Move that file aside/);
    expect(await fs.readFile(databasePath, 'utf8')).toBe(text);
  });

  it('says so clearly when the path is a folder', async () => {
    const databasePath = await temporaryFolder();
    expect(() => open(databasePath)).toThrow(ValidationError);
    expect(() => open(databasePath)).toThrow(databasePath);
  });

  it('says so clearly when a file stands where the parent folder should be', async () => {
    const blocker = path.join(await temporaryFolder(), 'home');
    await fs.writeFile(blocker, 'not a folder');
    expect(() => open(path.join(blocker, 'catalog.db'))).toThrow(ValidationError);
    expect(await fs.readFile(blocker, 'utf8')).toBe('not a folder');
  });

  it('refuses to start a sync run twice or finish one never started', async () => {
    const catalog = open(path.join(await temporaryFolder(), 'catalog.db'));
    const start = { id: 'run-1', repoId: 'owner/project', startedAt: '2025-03-01T10:00:00.000Z' };
    await catalog.startSyncRun(start);
    await expect(
      catalog.startSyncRun({ ...start, startedAt: '2025-03-02T10:00:00.000Z' }),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(
      catalog.finishSyncRun('run-404', {
        finishedAt: null,
        status: 'failed',
        tag: null,
        previousTag: null,
        files: 0,
        bytes: 0,
        skipped: 0,
        durationMs: null,
        error: 'Lost.',
      }),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await catalog.listSyncRuns()).toEqual([expect.objectContaining({ ...start, status: 'running' })]);
  });

  it('refuses values outside the record types and a bad run limit, keeping what was stored', async () => {
    const catalog = open(path.join(await temporaryFolder(), 'catalog.db'));
    await catalog.addRepo(settings);
    const badTrack = { track: 'branches' } as unknown as { track: 'tags' };
    await expect(catalog.updateRepo('owner/project', badTrack)).rejects.toBeInstanceOf(ValidationError);
    await expect(catalog.addRepo({ ...settings, id: 'owner/other', ...badTrack })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(catalog.listSyncRuns({ limit: -1 })).rejects.toBeInstanceOf(ValidationError);
    await expect(catalog.listSyncRuns({ limit: 1.5 })).rejects.toBeInstanceOf(ValidationError);
    expect(await catalog.listRepos()).toEqual([
      expect.objectContaining({ id: 'Owner/Project', track: 'releases' }),
    ]);
  });

  it('can be closed twice', async () => {
    const catalog = open(path.join(await temporaryFolder(), 'catalog.db'));
    await catalog.close();
    await expect(catalog.close()).resolves.toBeUndefined();
  });
});

const catalogModule = fileURLToPath(new URL('./sqlite-catalog.ts', import.meta.url));

// Each child opens the catalog (racing on the first migration too), says it is ready, and starts trying
// the locks only when the parent says go, so that the attempts of different processes overlap.
const childScript = `
  import { createSqliteCatalog } from ${JSON.stringify(catalogModule)};
  const catalog = createSqliteCatalog({ path: process.env.QUARRY_TEST_DATABASE });
  process.stdout.write('ready\\n');
  process.stdin.once('data', async () => {
    const attempts = [];
    for (let index = 0; index < Number(process.env.QUARRY_TEST_RESOURCES); index++) {
      const holder = { token: process.env.QUARRY_TEST_TOKEN, pid: process.pid, host: 'child', acquiredAt: 'now' };
      attempts.push(await catalog.tryLock('resource-' + index, holder));
    }
    await catalog.close();
    process.stdout.write(JSON.stringify(attempts) + '\\n');
    process.stdin.destroy();
  });
`;

async function raceForLocks(
  databasePath: string,
  tokens: string[],
  resources: number,
): Promise<LockAttempt[][]> {
  const children = tokens.map((token) =>
    spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', childScript], {
      env: {
        ...process.env,
        QUARRY_TEST_DATABASE: databasePath,
        QUARRY_TEST_TOKEN: token,
        QUARRY_TEST_RESOURCES: String(resources),
      },
      stdio: ['pipe', 'pipe', 'inherit'],
    }),
  );
  const outputs = children.map((child) => collectLines(child));
  await Promise.all(outputs.map((output) => output.firstLine));
  for (const child of children) child.stdin.write('go\n');
  const lines = await Promise.all(outputs.map((output) => output.all));
  return lines.map((childLines) => JSON.parse(childLines.at(-1) ?? '[]') as LockAttempt[]);
}

function collectLines(child: ReturnType<typeof spawn>): { firstLine: Promise<void>; all: Promise<string[]> } {
  let text = '';
  let markReady: () => void = () => {};
  const firstLine = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
    if (text.includes('\n')) markReady();
  });
  const all = new Promise<string[]>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve(text.trim().split('\n'));
      else reject(new Error(`A lock-racing child process exited with code ${code}.`));
    });
  });
  return { firstLine, all };
}
