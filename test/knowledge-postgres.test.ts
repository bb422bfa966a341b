import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite/vector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnvironment, runQuarry } from './support/run-quarry.ts';

const password = 'pg-PASSWORD-never-shown';
let database: PGlite;
let server: PGLiteSocketServer;
let port: number;
let folder: string;

/** A port nobody listens on right now. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port: chosen } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return chosen;
}

beforeAll(async () => {
  // PGlite is real PostgreSQL (with pgvector) compiled to WASM; the socket server speaks the wire protocol.
  database = await PGlite.create({ extensions: { vector } });
  port = await freePort();
  server = new PGLiteSocketServer({ db: database, port, host: '127.0.0.1' });
  await server.start();
  folder = await mkdtemp(path.join(tmpdir(), 'quarry-postgres-'));
});
afterAll(async () => {
  await server?.stop();
  await database?.close();
  await rm(folder, { recursive: true, force: true });
});

describe('quarry on a PostgreSQL index', () => {
  it('ingests, searches and reports status through a postgres:// URL, never printing the password', async () => {
    const cwd = await mkdtemp(path.join(folder, 'ws-'));
    await mkdir(path.join(cwd, 'docs'));
    await writeFile(
      path.join(cwd, 'docs', 'ops.md'),
      '# Operations\n\n## Restarts\n\nRestart the canary fleet first.\n',
    );
    await writeFile(path.join(cwd, 'quarry.config.yaml'), 'sync:\n  repos: []\n');
    const env = cliEnvironment({ QUARRY_INDEX: `postgres://quarry:${password}@127.0.0.1:${port}/postgres` });
    const run = (...args: string[]) => runQuarry(args, { cwd, env });
    const ingest = await run('ingest', 'docs', '--source', 'ops');
    expect(ingest.code, ingest.stderr).toBe(0);
    const search = await run('search', 'canary restart', '--json');
    expect(search.code, search.stderr).toBe(0);
    expect(JSON.parse(search.stdout).hits[0]).toMatchObject({
      citation: 'ops:docs/ops.md:3-5',
      headingPath: ['Operations', 'Restarts'],
    });
    const status = await run('status', '--json');
    expect(JSON.parse(status.stdout)).toMatchObject({ index: 'PostgreSQL', documents: 1, chunks: 2 });
    for (const output of [ingest, search, status])
      expect(output.stdout + output.stderr).not.toContain(password);
  });

  it('fails clearly, without the password, when the server cannot be reached', async () => {
    const cwd = await mkdtemp(path.join(folder, 'ws-'));
    await writeFile(path.join(cwd, 'quarry.config.yaml'), 'sync:\n  repos: []\n');
    const closedPort = await freePort();
    const env = cliEnvironment({
      QUARRY_INDEX: `postgres://quarry:${password}@127.0.0.1:${closedPort}/postgres`,
    });
    const result = await runQuarry(['status'], { cwd, env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error: .*127\.0\.0\.1/);
    expect(result.stderr).toMatch(/hint:/);
    expect(result.stdout + result.stderr).not.toContain(password);
  });
});
