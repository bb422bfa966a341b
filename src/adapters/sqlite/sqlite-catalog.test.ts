import { spawn } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors/index.ts';
import { describeCatalogContract } from '../../core/ports/catalog.contract.ts';
import type {
  LockAttempt,
  LockHolder,
  MessageRecord,
  NewMessage,
  RepoSettings,
} from '../../core/ports/catalog.ts';
import { describeCrawlCatalogContract } from '../../core/ports/crawl-catalog.contract.ts';
import { createSqliteCatalog, type SqliteCatalog } from './sqlite-catalog.ts';
import { catalogMigrations } from './sqlite-catalog-migrations.ts';
import { applySqliteMigrations } from './sqlite-migrations.ts';

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

describeCrawlCatalogContract('sqlite', async () => {
  const folder = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-'));
  const databasePath = path.join(folder, 'catalog.db');
  let catalog = createSqliteCatalog({ path: databasePath });
  return {
    catalog,
    reopen: async () => {
      await catalog.close();
      catalog = createSqliteCatalog({ path: databasePath });
      return catalog;
    },
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
      expect(rows).toEqual([
        { scope: 'catalog', version: 1, applied_at: firstOpen.toISOString() },
        { scope: 'catalog', version: 2, applied_at: firstOpen.toISOString() },
        { scope: 'catalog', version: 3, applied_at: firstOpen.toISOString() },
        { scope: 'catalog', version: 4, applied_at: firstOpen.toISOString() },
      ]);
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

  it('adds conversations to a version 1 database, keeping its repositories', async () => {
    const databasePath = path.join(await temporaryFolder(), 'catalog.db');
    const older = new Database(databasePath);
    const [repos] = catalogMigrations;
    applySqliteMigrations(older, {
      scope: 'catalog',
      migrations: repos ? [repos] : [],
      clock: () => new Date(),
    });
    older
      .prepare("INSERT INTO repos (id, enabled, track, origin) VALUES ('owner/kept', 1, 'releases', 'user')")
      .run();
    older.close();

    const catalog = open(databasePath);
    expect((await catalog.listRepos()).map((repo) => repo.id)).toEqual(['owner/kept']);
    await catalog.createConversation({ id: 'chat', title: 'After the upgrade', createdAt: at(0) });
    expect(await catalog.appendMessages('chat', exchange('works?', 1))).toHaveLength(2);
  });

  it('adds accounts to a version 2 database, keeping its conversations without an owner', async () => {
    const databasePath = path.join(await temporaryFolder(), 'catalog.db');
    const older = new Database(databasePath);
    applySqliteMigrations(older, {
      scope: 'catalog',
      migrations: catalogMigrations.filter((migration) => migration.version <= 2),
      clock: () => new Date(),
    });
    older
      .prepare(
        `INSERT INTO conversations (id, title, created_at, updated_at, message_count)
         VALUES ('old-chat', 'From the CLI', ?, ?, 0)`,
      )
      .run(at(0), at(0));
    older.close();

    const catalog = open(databasePath);
    expect(await catalog.getConversation('old-chat')).toEqual({
      id: 'old-chat',
      owner: null,
      title: 'From the CLI',
      createdAt: at(0),
      updatedAt: at(0),
      messageCount: 0,
    });
    expect(await catalog.appendMessages('old-chat', exchange('still works?', 1))).toHaveLength(2);
    expect((await catalog.listConversations({ owner: null })).map((each) => each.id)).toEqual(['old-chat']);
    await catalog.addUser({ id: 'admin', role: 'admin', passwordHash: 'scrypt$x', createdAt: at(2) });
    await catalog.createConversation({ id: 'mine', title: 'Owned', createdAt: at(3), owner: 'admin' });
    expect((await catalog.listConversations({ owner: 'admin' })).map((each) => each.id)).toEqual(['mine']);
  });

  it('adds crawl state to a version 3 database, keeping its users', async () => {
    const databasePath = path.join(await temporaryFolder(), 'catalog.db');
    const older = new Database(databasePath);
    applySqliteMigrations(older, {
      scope: 'catalog',
      migrations: catalogMigrations.filter((migration) => migration.version <= 3),
      clock: () => new Date(),
    });
    older
      .prepare("INSERT INTO users (id, role, password_hash, created_at) VALUES ('admin', 'admin', 'x', ?)")
      .run(at(0));
    older.close();

    const catalog = open(databasePath);
    expect(await catalog.getUser('admin')).toMatchObject({ role: 'admin' });
    await catalog.startCrawl({ name: 'docs', startUrls: ['https://docs.example.com/'] }, at(1));
    expect(await catalog.listCrawlSites()).toMatchObject([{ name: 'docs', pageCount: 0 }]);
  });

  it('finds a crawl page through the primary key of its table', async () => {
    const databasePath = path.join(await temporaryFolder(), 'catalog.db');
    await open(databasePath).close();
    const probe = new Database(databasePath, { readonly: true });
    try {
      const plan = probe
        .prepare<[string, string], { detail: string }>(
          'EXPLAIN QUERY PLAN SELECT * FROM crawl_pages WHERE site = ? AND url = ?',
        )
        .all('docs', 'https://docs.example.com/');
      expect(plan.map((step) => step.detail)).toEqual([
        expect.stringMatching(
          /^SEARCH crawl_pages USING INDEX sqlite_autoindex_crawl_pages_1 \(site=\? AND url=\?\)$/,
        ),
      ]);
    } finally {
      probe.close();
    }
  });

  it('rolls back every page of a batch when the database fails in the middle of it', async () => {
    const databasePath = path.join(await temporaryFolder(), 'catalog.db');
    const catalog = open(databasePath);
    await catalog.startCrawl({ name: 'docs', startUrls: ['https://docs.example.com/'] }, at(0));
    const page = (url: string, title: string) => ({
      site: 'docs',
      url,
      etag: null,
      lastModified: null,
      contentHash: null,
      title,
      documentPath: `docs/${title}.md`,
      outLinks: [],
      fetchedAt: at(1),
    });
    await catalog.putCrawlPages([page('https://docs.example.com/a', 'first')]);
    // A trigger fails the second row of the batch, after the first went in, as a full disk would.
    const saboteur = new Database(databasePath);
    saboteur.exec(`CREATE TRIGGER fail_second BEFORE INSERT ON crawl_pages WHEN NEW.url LIKE '%/b'
      BEGIN SELECT RAISE(ABORT, 'disk full, say'); END`);
    saboteur.close();

    const batch = [
      page('https://docs.example.com/a', 'second'),
      page('https://docs.example.com/b', 'second'),
    ];
    await expect(catalog.putCrawlPages(batch)).rejects.toThrow(databasePath);
    expect(await catalog.getCrawlPage('docs', 'https://docs.example.com/a')).toMatchObject({
      title: 'first',
    });
    expect(await catalog.getCrawlSite('docs')).toMatchObject({ pageCount: 1 });
  });

  it('keeps users, keys and sessions when the file is opened again, and removes a user in one step', async () => {
    const databasePath = path.join(await temporaryFolder(), 'catalog.db');
    const first = open(databasePath);
    await first.addUser({ id: 'Bob', role: 'member', passwordHash: 'scrypt$x', createdAt: at(0) });
    await first.addApiKey({
      id: 'key-1',
      userId: 'bob',
      name: 'ci',
      secretHash: 'ab12',
      createdAt: at(1),
      lastUsedAt: null,
      revokedAt: null,
    });
    await first.createSession({ id: 'session-1', userId: 'bob', createdAt: at(1), expiresAt: at(50) });
    await first.close();

    const second = open(databasePath);
    expect(await second.getUser('BOB')).toMatchObject({ id: 'Bob', role: 'member' });
    expect(await second.getApiKey('key-1')).toMatchObject({ userId: 'Bob', name: 'ci' });
    expect(await second.getSession('session-1', at(2))).toMatchObject({ userId: 'Bob' });
    // A trigger fails the deletion of the sessions, after the user and keys went: nothing may be lost.
    const saboteur = new Database(databasePath);
    saboteur.exec(`CREATE TRIGGER keep_sessions BEFORE DELETE ON sessions
      BEGIN SELECT RAISE(ABORT, 'disk full, say'); END`);
    saboteur.close();
    await expect(second.removeUser('bob')).rejects.toThrow(databasePath);
    expect(await second.getUser('bob')).toBeDefined();
    expect(await second.getApiKey('key-1')).toBeDefined();
    expect(await second.getSession('session-1', at(2))).toBeDefined();
  });

  it('keeps conversations and their messages when the file is opened again', async () => {
    const databasePath = path.join(await temporaryFolder(), 'catalog.db');
    const first = open(databasePath);
    await first.createConversation({ id: 'chat', title: 'How do I untar?', createdAt: at(0) });
    const stored = await first.appendMessages('chat', exchange('How do I untar? ✓', 1));
    await first.close();

    const second = open(databasePath);
    expect(await second.listMessages('chat')).toEqual(stored);
    expect(await second.getConversation('chat')).toEqual({
      id: 'chat',
      owner: null,
      title: 'How do I untar?',
      createdAt: at(0),
      updatedAt: at(2),
      messageCount: 2,
    });
    expect(await second.appendMessages('chat', exchange('And zip?', 3))).toMatchObject([
      { seq: 3 },
      { seq: 4 },
    ]);
  });

  it('rolls back every row of a batch when the database fails in the middle of it', async () => {
    const databasePath = path.join(await temporaryFolder(), 'catalog.db');
    const catalog = open(databasePath);
    await catalog.createConversation({ id: 'chat', title: 'Chat', createdAt: at(0) });
    const history = await catalog.appendMessages('chat', exchange('kept?', 1));
    // A trigger fails the third row of the batch, after two went in, as a full disk would.
    const saboteur = new Database(databasePath);
    saboteur.exec(`CREATE TRIGGER fail_fifth BEFORE INSERT ON conversation_messages WHEN NEW.seq = 5
      BEGIN SELECT RAISE(ABORT, 'disk full, say'); END`);
    saboteur.close();

    const batch = [...exchange('lost?', 3), ...exchange('lost too?', 5)];
    await expect(catalog.appendMessages('chat', batch)).rejects.toThrow(databasePath);
    expect(await catalog.listMessages('chat')).toEqual(history);
    expect(await catalog.getConversation('chat')).toMatchObject({ updatedAt: at(2), messageCount: 2 });
  });

  it('numbers appends from two instances on one file in one sequence', async () => {
    const databasePath = path.join(await temporaryFolder(), 'catalog.db');
    const left = open(databasePath);
    const right = open(databasePath);
    await left.createConversation({ id: 'chat', title: 'Shared', createdAt: at(0) });
    await left.appendMessages('chat', exchange('left?', 1));
    await right.appendMessages('chat', exchange('right?', 3));
    await left.appendMessages('chat', exchange('left again?', 5));
    const contents = (await right.listMessages('chat')).map((message) => `${message.seq} ${message.content}`);
    expect(contents).toEqual([
      '1 left?',
      '2 Answer to left?',
      '3 right?',
      '4 Answer to right?',
      '5 left again?',
      '6 Answer to left again?',
    ]);
    expect(await right.deleteConversation('chat')).toBe(true);
    expect(await left.getConversation('chat')).toBeUndefined();
  });

  it('never gives two processes appending at once the same seq, and keeps each exchange together', async () => {
    const databasePath = path.join(await temporaryFolder(), 'catalog.db');
    const setup = open(databasePath);
    await setup.createConversation({ id: 'chat', title: 'Busy', createdAt: at(0) });
    const writers = ['writer-0', 'writer-1', 'writer-2', 'writer-3'];
    const exchanges = 40;
    await raceToAppend(databasePath, writers, exchanges);

    const messages = await setup.listMessages('chat');
    expect(messages.map((message) => message.seq)).toEqual(
      Array.from({ length: writers.length * exchanges * 2 }, (_, index) => index + 1),
    );
    const pairs = pairsOf(messages);
    for (const [question, answer] of pairs) {
      expect([question.role, answer.role]).toEqual(['user', 'assistant']);
      expect(answer.content).toBe(`Answer to ${question.content}`);
    }
    for (const writer of writers) {
      const asked = pairs
        .map(([question]) => question.content)
        .filter((content) => content.startsWith(writer));
      expect(asked).toEqual(Array.from({ length: exchanges }, (_, index) => `${writer} question ${index}`));
    }
    expect(await setup.getConversation('chat')).toMatchObject({
      messageCount: writers.length * exchanges * 2,
    });
  });

  it('can be closed twice', async () => {
    const catalog = open(path.join(await temporaryFolder(), 'catalog.db'));
    await catalog.close();
    await expect(catalog.close()).resolves.toBeUndefined();
  });
});

function at(minute: number): string {
  return new Date(Date.UTC(2025, 3, 1, 9, minute)).toISOString();
}

function exchange(question: string, minute: number): NewMessage[] {
  return [
    { role: 'user', content: question, metadata: {}, createdAt: at(minute) },
    {
      role: 'assistant',
      content: `Answer to ${question}`,
      metadata: { model: 'test-model', citations: [{ path: 'README.md', lines: [1, 3] }] },
      createdAt: at(minute + 1),
    },
  ];
}

function pairsOf(messages: MessageRecord[]): [MessageRecord, MessageRecord][] {
  const pairs: [MessageRecord, MessageRecord][] = [];
  for (let index = 0; index + 1 < messages.length; index += 2) {
    const [question, answer] = [messages[index], messages[index + 1]];
    if (question !== undefined && answer !== undefined) pairs.push([question, answer]);
  }
  return pairs;
}

const catalogModule = fileURLToPath(new URL('./sqlite-catalog.ts', import.meta.url));

// Each child opens the catalog (racing on the first migration too), says it is ready, and starts its work
// only when the parent says go, so that the work of different processes overlaps.
function childScript(work: string): string {
  return `
    import { createSqliteCatalog } from ${JSON.stringify(catalogModule)};
    const catalog = createSqliteCatalog({ path: process.env.QUARRY_TEST_DATABASE });
    process.stdout.write('ready\\n');
    process.stdin.once('data', async () => {
      const results = [];
      for (let index = 0; index < Number(process.env.QUARRY_TEST_COUNT); index++) {
        const name = process.env.QUARRY_TEST_NAME;
        ${work}
      }
      await catalog.close();
      process.stdout.write(JSON.stringify(results) + '\\n');
      process.stdin.destroy();
    });
  `;
}

const lockWork = `
  const holder = { token: name, pid: process.pid, host: 'child', acquiredAt: 'now' };
  results.push(await catalog.tryLock('resource-' + index, holder));
`;

const appendWork = `
  const question = name + ' question ' + index;
  const time = new Date().toISOString();
  const batch = [
    { role: 'user', content: question, metadata: {}, createdAt: time },
    { role: 'assistant', content: 'Answer to ' + question, metadata: { by: name }, createdAt: time },
  ];
  results.push((await catalog.appendMessages('chat', batch)).map((message) => message.seq));
`;

async function raceForLocks(
  databasePath: string,
  tokens: string[],
  resources: number,
): Promise<LockAttempt[][]> {
  return (await runChildren(childScript(lockWork), databasePath, tokens, resources)) as LockAttempt[][];
}

async function raceToAppend(databasePath: string, writers: string[], exchanges: number): Promise<void> {
  await runChildren(childScript(appendWork), databasePath, writers, exchanges);
}

/** Runs one child per name, all starting together, and returns what each printed last, parsed. */
async function runChildren(
  script: string,
  databasePath: string,
  names: string[],
  count: number,
): Promise<unknown[]> {
  const children = names.map((name) =>
    spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: {
        ...process.env,
        QUARRY_TEST_DATABASE: databasePath,
        QUARRY_TEST_NAME: name,
        QUARRY_TEST_COUNT: String(count),
      },
      stdio: ['pipe', 'pipe', 'inherit'],
    }),
  );
  const outputs = children.map((child) => collectLines(child));
  await Promise.all(outputs.map((output) => output.firstLine));
  for (const child of children) child.stdin.write('go\n');
  const lines = await Promise.all(outputs.map((output) => output.all));
  return lines.map((childLines) => JSON.parse(childLines.at(-1) ?? '[]') as unknown);
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
      else reject(new Error(`A racing child process exited with code ${code}.`));
    });
  });
  return { firstLine, all };
}
