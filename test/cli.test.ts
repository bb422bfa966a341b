import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalObjectStore } from '../src/adapters/fs/local-object-store.ts';
import { type FakeGitHub, startFakeGitHub } from './support/fake-github-server.ts';
import { cliEnvironment, runQuarry, startQuarry } from './support/run-quarry.ts';
import { buildSourceTarball } from './support/source-tarball.ts';

const token = 'ghp_CLISECRET9876543210abcdef';
let github: FakeGitHub;
let folder: string;

beforeAll(async () => {
  github = await startFakeGitHub();
  folder = await mkdtemp(path.join(tmpdir(), 'quarry-cli-'));
});
afterAll(async () => {
  await github.close();
  await rm(folder, { recursive: true, force: true });
});

/** A fresh working folder with its own QUARRY_HOME and config. */
async function workspace(config: string) {
  const cwd = await mkdtemp(path.join(folder, 'ws-'));
  await writeFile(path.join(cwd, 'quarry.config.yaml'), config);
  const env = cliEnvironment({ QUARRY_GITHUB_API_URL: github.url, GITHUB_TOKEN: token });
  return { cwd, env, run: (...args: string[]) => runQuarry(args, { cwd, env }) };
}

async function storedKeys(cwd: string, prefix: string): Promise<string[]> {
  const store = createLocalObjectStore({ root: path.join(cwd, '.quarry', 'objects') });
  const keys: string[] = [];
  for await (const object of store.list(prefix)) keys.push(object.key);
  return keys;
}

function randomFiles(count: number, size: number): Record<string, string> {
  return Object.fromEntries(
    Array.from({ length: count }, (_, index) => [
      `src/file-${index}.txt`,
      randomBytes(size).toString('base64'),
    ]),
  );
}

describe('quarry command line', () => {
  it('prints help listing the commands and environment variables', async () => {
    const { run } = await workspace('');
    const result = await run('--help');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/repos/);
    expect(result.stdout).toMatch(/sync/);
    expect(result.stdout).toMatch(/QUARRY_STORE/);
  });

  it('rejects an invalid owner/name with exit code 2 and says what is expected', async () => {
    const { run } = await workspace('sync:\n  repos: []\n');
    const result = await run('repos', 'add', 'not a repo');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Invalid repository "not a repo"/);
    expect(result.stderr).toMatch(/hint: Name repositories as owner\/name/);
  });

  it('rejects an invalid config value naming the field and its source', async () => {
    const { run } = await workspace('sync:\n  maxFiles: lots\n');
    const result = await run('repos', 'list');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/sync\.maxFiles \(from quarry\.config\.yaml\)/);
  });

  it('refuses a malformed ignore file at add time, naming the file and line, and adds nothing', async () => {
    const { cwd, run } = await workspace('sync:\n  repos: []\n');
    await writeFile(path.join(cwd, 'bad.ignore'), 'dist/\n[z-a]\n');
    const result = await run('repos', 'add', 'acme/tools', '--ignore-file', 'bad.ignore');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bad\.ignore/);
    expect(result.stderr).toMatch(/line 2/);
    expect(JSON.parse((await run('repos', 'list', '--json')).stdout)).toEqual([]);
    const missing = await run('repos', 'add', 'acme/tools', '--ignore-file', 'nope.ignore');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nope\.ignore .*cannot be read \(ENOENT\)/);
  });

  it('adds, lists, disables and removes repositories, and keeps config repositories managed by the config', async () => {
    const { run } = await workspace('');
    expect((await run('repos', 'add', 'acme/tools', '--track', 'tags')).code).toBe(0);
    const listed = JSON.parse((await run('repos', 'list', '--json')).stdout) as Array<{
      id: string;
      origin: string;
      track: string;
    }>;
    expect(listed.map((repo) => repo.id)).toEqual([
      'acme/tools',
      'aws/aws-iot-device-sdk-js-v2',
      'awslabs/aws-solutions-constructs',
    ]);
    expect(listed[0]).toMatchObject({ origin: 'user', track: 'tags' });
    const refused = await run('repos', 'remove', 'awslabs/aws-solutions-constructs');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/managed by sync\.repos/);
    expect((await run('repos', 'disable', 'awslabs/aws-solutions-constructs')).code).toBe(0);
    expect((await run('repos', 'remove', 'acme/tools')).code).toBe(0);
    const after = JSON.parse((await run('repos', 'list', '--json')).stdout) as Array<{
      id: string;
      enabled: boolean;
    }>;
    expect(after).toEqual([
      expect.objectContaining({ id: 'aws/aws-iot-device-sdk-js-v2', enabled: true }),
      expect.objectContaining({ id: 'awslabs/aws-solutions-constructs', enabled: false }),
    ]);
  });

  it('disables (never deletes) a repository removed from the config', async () => {
    const { cwd, run } = await workspace('sync:\n  repos: [acme/one, acme/two]\n');
    await run('repos', 'list');
    await writeFile(path.join(cwd, 'quarry.config.yaml'), 'sync:\n  repos: [acme/one]\n');
    const listed = JSON.parse((await run('repos', 'list', '--json')).stdout) as Array<{
      id: string;
      enabled: boolean;
    }>;
    expect(listed.map((repo) => [repo.id, repo.enabled])).toEqual([
      ['acme/one', true],
      ['acme/two', false],
    ]);
  });

  it('syncs with --json, exits 1 when one repository fails, and never prints or stores the token', async () => {
    github.setRepo('acme', 'lib', {
      releases: [{ tag: 'v1.0.0' }],
      archives: { 'v1.0.0': { body: await buildSourceTarball('acme-lib-1', { 'a.ts': 'a' }) } },
    });
    const { cwd, run } = await workspace('sync:\n  repos: [acme/lib, acme/missing]\n');
    const result = await run('sync', '--json');
    expect(result.code).toBe(1);
    const results = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    expect(results).toEqual([
      {
        id: 'acme/lib',
        status: 'updated',
        tag: 'v1.0.0',
        previousTag: null,
        files: 1,
        bytes: 1,
        durationMs: expect.any(Number),
        error: null,
      },
      expect.objectContaining({
        id: 'acme/missing',
        status: 'failed',
        error: expect.stringMatching(/not found/),
      }),
    ]);
    expect(await storedKeys(cwd, 'current/')).toEqual(['current/acme/lib/v1.0.0/a.ts']);
    const catalogBytes = await readFile(path.join(cwd, '.quarry', 'quarry.sqlite'));
    expect(catalogBytes.includes(Buffer.from(token))).toBe(false);
    expect(result.stdout + result.stderr).not.toContain(token);
    const again = await run('sync', '--repo', 'acme/lib', '--json');
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual([
      expect.objectContaining({ status: 'unchanged', tag: 'v1.0.0' }),
    ]);
  });

  it('survives kill -9 mid-extraction: current/ keeps the previous version and the next run succeeds', async () => {
    const v1 = await buildSourceTarball('acme-big-1', { 'old.txt': 'old' });
    github.setRepo('acme', 'big', { releases: [{ tag: 'v1' }], archives: { v1: { body: v1 } } });
    const { cwd, env, run } = await workspace('sync:\n  repos: [acme/big]\n');
    const first = await run('sync');
    expect(first.code).toBe(0);
    // Not a terminal: plain progress lines on stderr, a table on stdout.
    expect(first.stderr).toMatch(/^acme\/big checking$/m);
    expect(first.stdout).toMatch(/^acme\/big +updated +v1 +- +1 /m);
    const v2 = await buildSourceTarball('acme-big-2', randomFiles(300, 3000));
    github.setRepo('acme', 'big', {
      releases: [{ tag: 'v1' }, { tag: 'v2' }],
      archives: { v1: { body: v1 }, v2: { body: v2, throttleBytesPerSecond: 200_000 } },
    });
    const child = startQuarry(['sync'], { cwd, env });
    await waitFor(async () => (await storedKeys(cwd, 'staging/')).length > 20);
    child.kill('SIGKILL');
    await child.result;
    expect(await storedKeys(cwd, 'current/')).toEqual(['current/acme/big/v1/old.txt']);
    github.setRepo('acme', 'big', {
      releases: [{ tag: 'v1' }, { tag: 'v2' }],
      archives: { v1: { body: v1 }, v2: { body: v2 } },
    });
    const recovered = await run('sync', '--json');
    expect(recovered.code).toBe(0);
    expect(JSON.parse(recovered.stdout)).toEqual([
      expect.objectContaining({ status: 'updated', tag: 'v2', previousTag: 'v1', files: 300 }),
    ]);
    expect(await storedKeys(cwd, 'staging/')).toEqual([]);
    expect(await storedKeys(cwd, 'archived/')).toEqual(['archived/acme/big/v1/old.txt']);
  });

  it('lets only one process sync a repository; the second names the holder', async () => {
    const slow = await buildSourceTarball('acme-slow-1', randomFiles(100, 3000));
    github.setRepo('acme', 'slow', {
      releases: [{ tag: 'v1' }],
      // Slow enough (about 10 s) that the second process starts while the first still downloads, even on
      // a busy 2-core machine where starting `quarry` alone takes a few seconds.
      archives: { v1: { body: slow, throttleBytesPerSecond: 40_000 } },
    });
    const { cwd, env, run } = await workspace('sync:\n  repos: [acme/slow]\n');
    const first = startQuarry(['sync'], { cwd, env });
    await waitFor(async () => (await storedKeys(cwd, 'staging/')).length > 0);
    const second = await run('sync', '--json');
    expect(second.code).toBe(1);
    expect(JSON.parse(second.stdout)[0].error).toMatch(new RegExp(`process ${first.pid} on `));
    expect((await first.result).code).toBe(0);
  });
  it('keeps syncing with --every until SIGTERM, then stops cleanly', async () => {
    github.setRepo('acme', 'loop', {
      releases: [{ tag: 'v1' }],
      archives: { v1: { body: await buildSourceTarball('acme-loop-1', { 'a.txt': 'a' }) } },
    });
    const { cwd, env } = await workspace('sync:\n  repos: [acme/loop]\n');
    const child = startQuarry(['sync', '--every', '5', '--json'], { cwd, env });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    await waitFor(async () => output.includes(']'));
    child.kill('SIGTERM');
    const result = await child.result;
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      expect.objectContaining({ id: 'acme/loop', status: 'updated' }),
    ]);
    expect(result.stderr).toMatch(/stopping/);
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await delay(50);
  }
}
