import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3ObjectStore } from '../src/adapters/s3/s3-object-store.ts';
import { type RunningDynalite, startDynalite } from './support/dynalite.ts';
import { type FakeGitHub, startFakeGitHub } from './support/fake-github-server.ts';
import { type FakeOpenAiServer, startFakeOpenAiServer } from './support/fake-openai-server.ts';
import { cliEnvironment, type QuarryRun, runQuarry, startQuarry } from './support/run-quarry.ts';
import { type RunningS3rver, s3rverCredentials, startS3rver } from './support/s3rver.ts';
import { buildSourceTarball } from './support/source-tarball.ts';

// `quarry repos add`, `sync`, `search`, `ask` and `serve` with the catalog in DynamoDB (dynalite) and the
// object store in S3 (s3rver), exactly as a user runs them, each command a new process.

const secretKey = 'not-a-real-secret-key-0042';
const modelKey = 'model-key-0042';
let dynamo: RunningDynalite;
let s3: RunningS3rver;
let github: FakeGitHub;
let openai: FakeOpenAiServer;
let cwd: string;
const printed: string[] = [];

beforeAll(async () => {
  [dynamo, s3, github, openai] = await Promise.all([
    startDynalite(),
    startS3rver({ bucket: 'quarry-team' }),
    startFakeGitHub(),
    startFakeOpenAiServer({ requireApiKey: modelKey }),
  ]);
  cwd = await mkdtemp(path.join(tmpdir(), 'quarry-cli-dynamodb-'));
  await writeFile(
    path.join(cwd, 'quarry.config.yaml'),
    `sync:\n  repos: []\nmodels:\n  default: fake\n  entries:\n    fake:\n      provider: openai-compatible\n      model: gpt-4o-mini\n      baseURL: ${openai.url}\n      apiKey: ${modelKey}\n`,
  );
});
afterAll(async () => {
  expect(printed.join('\n')).not.toContain(secretKey);
  expect(printed.join('\n')).not.toContain(modelKey);
  await Promise.all([dynamo.close(), s3.close(), github.close(), openai.close()]);
  await rm(cwd, { recursive: true, force: true });
});

function awsEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return cliEnvironment({
    QUARRY_HOME: path.join(cwd, 'home'),
    QUARRY_CATALOG: 'dynamodb://quarry-e2e',
    QUARRY_STORE: 's3://quarry-team/quarry',
    QUARRY_GITHUB_API_URL: github.url,
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ACCESS_KEY_ID: s3rverCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: secretKey,
    ...extra,
  });
}

async function quarry(args: string[], extra: Record<string, string> = {}): Promise<QuarryRun> {
  const result = await runQuarry(args, { cwd, env: awsEnvironment(extra) });
  printed.push(result.stdout, result.stderr);
  return result;
}

/** A port nothing listens on: taken, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the CLI with QUARRY_CATALOG=dynamodb://… and QUARRY_STORE=s3://…', () => {
  it('adds, syncs, searches and asks, keeping nothing in a local SQLite catalog', async () => {
    const added = await quarry(['repos', 'add', 'acme/widgets']);
    expect(added.code, added.stderr).toBe(0);
    const tarball = await buildSourceTarball('acme-widgets-1', {
      'src/backoff.ts': 'export function frobnicateRetries() {\n  // exponential backoff with jitter\n}\n',
      'README.md': '# Widgets\n\nWidgets retry with exponential backoff.\n',
    });
    github.setRepo('acme', 'widgets', {
      releases: [{ tag: 'v1.0.0' }],
      archives: { 'v1.0.0': { body: tarball } },
    });

    const synced = await quarry(['sync', '--json']);
    expect(synced.code, synced.stderr).toBe(0);
    expect(JSON.parse(synced.stdout)).toEqual([
      expect.objectContaining({ id: 'acme/widgets', status: 'updated', tag: 'v1.0.0', files: 2 }),
    ]);
    const store = createS3ObjectStore({ bucket: 'quarry-team', prefix: 'quarry/', client: s3.client });
    const keys: string[] = [];
    for await (const object of store.list('current/')) keys.push(object.key);
    expect(keys).toEqual([
      'current/acme/widgets/v1.0.0/README.md',
      'current/acme/widgets/v1.0.0/src/backoff.ts',
    ]);

    const found = await quarry(['search', 'frobnicateRetries', '--json']);
    expect(found.code, found.stderr).toBe(0);
    expect(JSON.parse(found.stdout).hits[0]).toMatchObject({
      repo: 'acme/widgets',
      version: 'v1.0.0',
      path: 'src/backoff.ts',
    });

    const asked = await quarry(['ask', 'How do widgets retry?']);
    expect(asked.code, asked.stderr).toBe(0);
    expect(asked.stdout).toContain('Sources:');

    // The repository table reads like the seed's: id, enabled, ignoreFile, modified, version.
    const documents = DynamoDBDocumentClient.from(dynamo.client);
    const scanned = await documents.send(new ScanCommand({ TableName: 'quarry-e2e-repositories' }));
    const [item] = scanned.Items ?? [];
    expect(item).toMatchObject({ id: 'acme/widgets', enabled: true, ignoreFile: null, version: 'v1.0.0' });
    expect(typeof item?.modified).toBe('string');
    expect(existsSync(path.join(cwd, 'home', 'quarry.sqlite'))).toBe(false);

    const listed = await quarry(['repos', 'list', '--json']);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ id: 'acme/widgets', version: 'v1.0.0' }),
    ]);
  });

  it('serves the API over the same DynamoDB catalog and S3 store', async () => {
    // The first `serve` creates the admin account; a key made meanwhile by another process works at once.
    const server = startQuarry(['serve', '--port', '0', '--no-schedule'], {
      cwd,
      env: awsEnvironment({ QUARRY_ADMIN_PASSWORD: 'e2e-admin-password-1' }),
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let seen = '';
        server.stdout?.on('data', (chunk: Buffer) => {
          seen += chunk.toString('utf8');
          const match = /running at (http:\/\/[^\s]+) /.exec(seen);
          if (match?.[1]) resolve(match[1]);
        });
        server.once('close', () => reject(new Error(`serve stopped: ${seen}`)));
      });
      const ready = await fetch(`${url}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ ok: true });
      const keyRun = await quarry(['keys', 'create', '--user', 'admin', '--name', 'e2e']);
      expect(keyRun.code, keyRun.stderr).toBe(0);
      const key = keyRun.stdout.trim();
      const repos = await fetch(`${url}/api/repos`, { headers: { authorization: `Bearer ${key}` } });
      expect(repos.status).toBe(200);
      expect(JSON.stringify(await repos.json())).toContain('acme/widgets');
      const source = await fetch(`${url}/api/sources/current/acme/widgets/v1.0.0/src/backoff.ts`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(await source.text()).toContain('frobnicateRetries');
    } finally {
      server.kill('SIGTERM');
      const result = await server.result;
      printed.push(result.stdout, result.stderr);
    }
  });

  it('names the missing table and the setting when tables are not to be created', async () => {
    const result = await quarry(['repos', 'list'], {
      QUARRY_CATALOG: 'dynamodb://never-created',
      QUARRY_CATALOG_CREATE_TABLES: 'false',
    });
    // A configuration problem: exit code 2, as for any other setting that cannot work.
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/never-created-\w+/);
    expect(result.stderr).toContain('catalog.createTables');
  });

  it('exits 1 with a hint and no secret when DynamoDB cannot be reached', async () => {
    const result = await quarry(['repos', 'list'], {
      AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${await closedPort()}`,
      AWS_MAX_ATTEMPTS: '2',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^hint: .*AWS_ENDPOINT_URL_DYNAMODB/m);
    expect(result.stderr).not.toContain(secretKey);
  });

  it('exits 1 with a hint and no secret when S3 cannot be reached', async () => {
    const result = await quarry(['sync', '--force'], {
      AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${await closedPort()}`,
    });
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).not.toContain(secretKey);
    const listed = await quarry(['repos', 'list', '--json']);
    // Nothing was lost: the catalog still records the version extracted before.
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ id: 'acme/widgets', version: 'v1.0.0' }),
    ]);
  });
});
