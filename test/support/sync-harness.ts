import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import * as path from 'node:path';
import { createLocalObjectStore } from '../../src/adapters/fs/local-object-store.ts';
import { createGitHubReleaseSource } from '../../src/adapters/github/github-release-source.ts';
import { createSqliteCatalog } from '../../src/adapters/sqlite/sqlite-catalog.ts';
import { createWebhookNotifier } from '../../src/adapters/webhook/webhook-notifier.ts';
import type { Catalog } from '../../src/core/ports/catalog.ts';
import type { QuarryEvent } from '../../src/core/ports/notifier.ts';
import type { ObjectStore } from '../../src/core/ports/object-store.ts';
import { createRedactor } from '../../src/core/redact.ts';
import type { SyncContext } from '../../src/sync/sync-types.ts';
import { createCapturingLogger } from './capturing-logger.ts';
import { type FakeGitHub, startFakeGitHub } from './fake-github-server.ts';

/** Everything a sync test needs, built from real adapters on temp folders and loopback servers. */
export interface SyncHarness {
  folder: string;
  github: FakeGitHub;
  catalog: Catalog;
  store: ObjectStore;
  logger: ReturnType<typeof createCapturingLogger>;
  /** Events received by the loopback webhook. */
  events: QuarryEvent[];
  context(overrides?: Partial<SyncContext>): SyncContext;
  /** Every key under a prefix. */
  keys(prefix: string): Promise<string[]>;
  close(): Promise<void>;
}

const harnessInstance = randomUUID();

/** The GitHub token tests pass, to prove it never leaks. */
export const testToken = 'ghp_HARNESSSECRET0123456789';

/** Builds a {@link SyncHarness}: SQLite catalog, local store, fake GitHub, webhook receiver. */
export async function createSyncHarness(): Promise<SyncHarness> {
  const folder = await mkdtemp(path.join(tmpdir(), 'quarry-sync-'));
  const github = await startFakeGitHub();
  const catalog = createSqliteCatalog({ path: path.join(folder, 'quarry.sqlite') });
  const store = createLocalObjectStore({ root: path.join(folder, 'objects') });
  const logger = createCapturingLogger();
  const events: QuarryEvent[] = [];
  const webhook = await startWebhookReceiver(events);
  const releases = createGitHubReleaseSource({
    apiUrl: github.url,
    token: testToken,
    sleep: async () => {},
    retries: 2,
  });
  const notifier = createWebhookNotifier({ url: `${webhook.url}/hooks/SECRETPATH`, retries: 0 });
  const context = (overrides: Partial<SyncContext> = {}): SyncContext => ({
    catalog,
    store,
    releases,
    notifier,
    logger,
    redact: createRedactor([testToken]),
    clock: () => new Date(),
    newRunId: () => randomUUID(),
    readFile: (file) => readFile(file),
    scratchFolder: path.join(folder, 'tmp'),
    limits: { maxDownloadBytes: 50e6, maxExtractedBytes: 50e6, maxFiles: 1000 },
    lock: {
      pid: process.pid,
      host: hostname(),
      instance: harnessInstance,
      staleAfterMs: 3_600_000,
      isProcessAlive: () => true,
      newToken: randomUUID,
      clock: () => new Date(),
    },
    ...overrides,
  });
  return {
    folder,
    github,
    catalog,
    store,
    logger,
    events,
    context,
    async keys(prefix) {
      const keys: string[] = [];
      for await (const object of store.list(prefix)) keys.push(object.key);
      return keys;
    },
    async close() {
      await catalog.close();
      await github.close();
      await new Promise((resolve) => webhook.server.close(resolve));
      await rm(folder, { recursive: true, force: true });
    },
  };
}

async function startWebhookReceiver(events: QuarryEvent[]): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      events.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as QuarryEvent);
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
