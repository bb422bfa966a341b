import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeGitHub, startFakeGitHub } from './support/fake-github-server.ts';
import { cliEnvironment, runQuarry, startQuarry } from './support/run-quarry.ts';
import { buildSourceTarball } from './support/source-tarball.ts';

let github: FakeGitHub;
let folder: string;

beforeAll(async () => {
  github = await startFakeGitHub();
  folder = await mkdtemp(path.join(tmpdir(), 'quarry-knowledge-cli-'));
});
afterAll(async () => {
  await github.close();
  await rm(folder, { recursive: true, force: true });
});

async function workspace(config = 'sync:\n  repos: []\n', extraEnvironment: Record<string, string> = {}) {
  const cwd = await mkdtemp(path.join(folder, 'ws-'));
  await writeFile(path.join(cwd, 'quarry.config.yaml'), config);
  const env = cliEnvironment({ QUARRY_GITHUB_API_URL: github.url, ...extraEnvironment });
  return { cwd, env, run: (...args: string[]) => runQuarry(args, { cwd, env }) };
}

async function writeTree(root: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [file, body] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), body);
  }
}

function json<T>(text: string): T {
  return JSON.parse(text) as T;
}

describe('quarry ingest, search and status', () => {
  it('ingests a folder honouring .gitignore, then searches it with filters and citations', async () => {
    const { cwd, run } = await workspace();
    await writeTree(path.join(cwd, 'handbook'), {
      '.gitignore': 'secret/\n*.log\n',
      'guide.md': '# Guide\n\n## Deploying\n\nRoll out with blue-green deployment and a canary.\n',
      'src/retry.ts': 'export function retryWithBackoff(attempts: number) {\n  return attempts * 2;\n}\n',
      'page.html':
        '<html><head><title>Ops</title></head><body><nav>menu</nav><article><h1>Runbook</h1><p>Restart the canary fleet when alarms fire during deployment.</p></article></body></html>',
      'secret/keys.md': 'canary secret',
      'debug.log': 'canary log line',
      'logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]),
    });
    const ingest = await run('ingest', 'handbook', '--source', 'handbook', '--json');
    expect(ingest.stderr).toBe('');
    expect(ingest.code).toBe(0);
    expect(json<Record<string, unknown>>(ingest.stdout)).toMatchObject({
      source: 'handbook',
      // guide.md, retry.ts, page.html and the .gitignore itself; not secret/, *.log or the image.
      indexed: 4,
      skipped: { binary: 1 },
    });

    const search = await run('search', 'canary deployment', '--json');
    expect(search.code).toBe(0);
    const result = json<{ mode: string; hits: Array<Record<string, unknown>> }>(search.stdout);
    expect(result.mode).toBe('keyword');
    expect(result.hits.map((hit) => hit.path).sort()).toEqual(['handbook/guide.md', 'handbook/page.html']);
    const guide = result.hits.find((hit) => hit.path === 'handbook/guide.md');
    expect(guide).toMatchObject({
      citation: 'handbook:handbook/guide.md:3-5',
      headingPath: ['Guide', 'Deploying'],
      language: 'markdown',
    });
    expect(String(guide?.snippet)).toContain('canary');

    const code = await run('search', 'backoff', '--lang', 'typescript', '--path', 'handbook/src/**');
    expect(code.code).toBe(0);
    expect(code.stdout).toMatch(/^1\. handbook:handbook\/src\/retry\.ts:1-3/m);
    expect(code.stdout).toContain('**retryWithBackoff**');
    const none = await run('search', 'canary', '--lang', 'python');
    expect(none.stdout).toBe('No matches.\n');

    const status = await run('status', '--json');
    expect(json<Record<string, unknown>>(status.stdout)).toMatchObject({
      index: 'SQLite',
      documents: 4,
      searchMode: 'keyword-only',
      embedding: { configured: null },
      sources: [{ source: 'handbook', documents: 4 }],
    });
    const human = await run('status');
    expect(human.stdout).toMatch(/keyword-only/);
  });

  it('gives clear usage errors for bad searches and never trips over query syntax', async () => {
    const { cwd, run } = await workspace();
    await writeTree(path.join(cwd, 'notes'), {
      'a.md': 'The NEAR operator and AND logic of retry policies.',
    });
    expect((await run('ingest', 'notes')).code).toBe(0);
    for (const query of ['"unbalanced', 'retry*', '-retry', 'NEAR(retry policy)', 'AND (policy', 'a:b OR']) {
      // `--` ends the options, so a query starting with `-` is not read as one.
      const result = await run('search', '--json', '--', query);
      expect(result.code, `${query}: ${result.stderr}`).toBe(0);
    }
    const empty = await run('search', '  ');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/error: The search query has no words/);
    expect(empty.stderr).toMatch(/hint:/);
    const badK = await run('search', 'retry', '--k', 'zero');
    expect(badK.code).toBe(2);
    const badMode = await run('search', 'retry', '--mode', 'fuzzy');
    expect(badMode.stderr).toMatch(/--mode takes keyword, vector or hybrid/);
    const vector = await run('search', 'retry', '--mode', 'vector');
    expect(vector.code).toBe(2);
    expect(vector.stderr).toMatch(/embedding model/);
    const missing = await run('ingest', 'no-such-folder');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/Cannot ingest no-such-folder/);
  });

  it('leaves a consistent index after kill -9 mid-ingest, and the next run completes the job', async () => {
    const { cwd, env, run } = await workspace();
    const files: Record<string, string> = {};
    for (let number = 0; number < 1500; number += 1) {
      files[`docs/page-${String(number).padStart(4, '0')}.md`] =
        `# Page ${number}\n\n${`Paragraph about topic${number % 37} and shared vocabulary. `.repeat(40)}\n`;
    }
    await writeTree(cwd, files);
    const child = startQuarry(['ingest', 'docs'], { cwd, env });
    const indexFile = path.join(cwd, '.quarry', 'index.sqlite');
    await waitFor(() => documentCount(indexFile) > 50);
    child.kill('SIGKILL');
    await child.result;
    const partial = documentCount(indexFile);
    expect(partial).toBeGreaterThan(50);
    expect(partial).toBeLessThan(1500);
    expectConsistent(indexFile);
    const resumed = await run('ingest', 'docs', '--json');
    expect(resumed.code).toBe(0);
    const report = json<{ indexed: number; unchanged: number }>(resumed.stdout);
    expect(report.unchanged).toBeGreaterThanOrEqual(partial - 1);
    expect(report.indexed + report.unchanged).toBe(1500);
    expect(documentCount(indexFile)).toBe(1500);
    expectConsistent(indexFile);
  });
});

describe('quarry sync then index', () => {
  it('indexes a new release after sync, and a later release only re-indexes what changed', async () => {
    const v1 = await buildSourceTarball('acme-kb-1', {
      'README.md': '# Kb\n\nKnowledge widgets.\n',
      'src/cache.ts': 'export class LruCache {\n  evictOldest() {}\n}\n',
      'src/legacy.ts': 'export const legacyThing = 1;\n',
    });
    github.setRepo('acme', 'kb', { releases: [{ tag: 'v1.0.0' }], archives: { 'v1.0.0': { body: v1 } } });
    const { run } = await workspace('sync:\n  repos: [acme/kb]\n');
    const sync = await run('sync');
    expect(sync.code).toBe(0);
    expect(sync.stderr).toMatch(/indexed github:acme\/kb@v1\.0\.0: 3 files indexed/);
    const hit = await run('search', 'evict oldest', '--json');
    expect(json<{ hits: Array<{ citation: string }> }>(hit.stdout).hits[0]?.citation).toBe(
      'acme/kb@v1.0.0:src/cache.ts:1-3',
    );

    const v2 = await buildSourceTarball('acme-kb-2', {
      'README.md': '# Kb\n\nKnowledge widgets.\n',
      'src/cache.ts': 'export class LruCache {\n  evictNewest() {}\n}\n',
    });
    github.setRepo('acme', 'kb', {
      releases: [{ tag: 'v1.0.0' }, { tag: 'v2.0.0' }],
      archives: { 'v1.0.0': { body: v1 }, 'v2.0.0': { body: v2 } },
    });
    const second = await run('sync');
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(
      /indexed github:acme\/kb@v2\.0\.0: 1 files indexed, 1 unchanged, 1 removed/,
    );
    const status = json<{
      sources: Array<{ versions: string[]; documents: number }>;
      pending: { repos: unknown[] };
    }>((await run('status', '--json')).stdout);
    expect(status.sources).toEqual([
      expect.objectContaining({ versions: ['v2.0.0'], documents: 2, completedVersion: 'v2.0.0' }),
    ]);
    expect(status.pending.repos).toEqual([]);
    const again = await run('index', '--json');
    expect(json<Array<Record<string, unknown>>>(again.stdout)).toEqual([
      expect.objectContaining({ source: 'github:acme/kb', indexed: 0, unchanged: 2, removed: 0 }),
    ]);
    const unknown = await run('index', '--repo', 'acme/nope');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/acme\/nope is not a watched repository/);
  });
});

function documentCount(file: string): number {
  try {
    const database = new Database(file, { readonly: true, timeout: 5_000 });
    try {
      return (database.prepare('SELECT count(*) AS n FROM documents').get() as { n: number }).n;
    } finally {
      database.close();
    }
  } catch {
    return 0;
  }
}

/** Every document has its chunks, every chunk its document, and the full-text index matches the rows. */
function expectConsistent(file: string): void {
  const database = new Database(file);
  try {
    const empty = database
      .prepare(
        'SELECT count(*) AS n FROM documents d WHERE NOT EXISTS (SELECT 1 FROM chunks c WHERE c.document_id = d.id)',
      )
      .get() as { n: number };
    const orphans = database
      .prepare(
        'SELECT count(*) AS n FROM chunks c WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.id = c.document_id)',
      )
      .get() as { n: number };
    expect(empty.n).toBe(0);
    expect(orphans.n).toBe(0);
    expect(() =>
      database.prepare("INSERT INTO chunks_fts (chunks_fts) VALUES ('integrity-check')").run(),
    ).not.toThrow();
  } finally {
    database.close();
  }
}

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('Timed out waiting for the condition.');
    await delay(20);
  }
}
