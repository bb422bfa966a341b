import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FaultyProxy,
  type RunningDynalite,
  startDynalite,
  startFaultyProxy,
  uniqueTablePrefix,
} from '../../../test/support/dynalite.ts';
import { NotFoundError, ValidationError } from '../../core/errors/index.ts';
import type { Catalog, CrawlPageRecord, LockHolder, RepoSettings } from '../../core/ports/catalog.ts';
import { createDynamoDbCatalog } from './dynamodb-catalog.ts';

let dynalite: RunningDynalite;

beforeAll(async () => {
  dynalite = await startDynalite();
});

afterAll(async () => {
  await dynalite?.close();
});

/** Two catalogs on fresh tables: two processes sharing the catalog, as far as DynamoDB can tell. */
function openTwice(): { first: Catalog; second: Catalog } {
  const tablePrefix = uniqueTablePrefix();
  const open = () => createDynamoDbCatalog({ tablePrefix, createTables: true, client: dynalite.client });
  return { first: open(), second: open() };
}

function holderOf(token: string): LockHolder {
  return { token, pid: 1000, host: `host-${token}`, acquiredAt: '2025-03-01T10:00:00.000Z' };
}

const settings: RepoSettings = {
  id: 'Owner/Project',
  enabled: true,
  ignoreFile: null,
  track: 'releases',
  asset: null,
  origin: 'user',
};

function pageOf(url: string, overrides: Partial<CrawlPageRecord> = {}): CrawlPageRecord {
  return {
    site: 'docs',
    url,
    etag: null,
    lastModified: null,
    contentHash: 'a'.repeat(64),
    title: `Title of ${url}`,
    documentPath: `sites/docs/${encodeURIComponent(url)}.md`,
    outLinks: [`${url}/next`, `${url}/previous`],
    fetchedAt: '2025-06-01T12:01:00.000Z',
    ...overrides,
  };
}

describe('DynamoDB locks without transactions', () => {
  it('lets exactly one of many callers in two processes take a lock, and one breaker break it', async () => {
    const { first, second } = openTwice();
    for (let round = 0; round < 5; round++) {
      const resource = `sync:owner/repo-${round}`;
      const tokens = Array.from({ length: 12 }, (_, index) => `token-${round}-${index}`);
      const attempts = await Promise.all(
        tokens.map((token, index) => (index % 2 ? first : second).tryLock(resource, holderOf(token))),
      );
      const winners = tokens.filter((_, index) => attempts[index]?.acquired);
      expect(winners).toHaveLength(1);
      for (const attempt of attempts) {
        if (!attempt.acquired) expect(attempt.holder).toEqual(holderOf(winners[0] ?? ''));
      }
      const breaks = await Promise.all(
        tokens.map((_, index) => (index % 2 ? first : second).breakLock(resource, winners[0] ?? '')),
      );
      expect(breaks.filter(Boolean)).toHaveLength(1);
    }
  });
});

describe('DynamoDB repositories without transactions', () => {
  it('applies simultaneous edits of different fields without losing any', async () => {
    const { first, second } = openTwice();
    await first.addRepo(settings);
    const edits = [
      { version: 'v2.0.0' },
      { etag: '"abc"' },
      { files: 12, bytes: 3456 },
      { status: 'updated' as const, error: null },
      { lastCheckedAt: '2025-03-01T10:00:00.000Z' },
      { enabled: false },
      { asset: '*.tar.gz' },
      { modified: '2025-03-01T10:00:05.000Z' },
    ];
    const results = await Promise.all(
      edits.map((edit, index) => (index % 2 ? first : second).updateRepo('owner/project', edit)),
    );
    const merged = Object.assign({}, ...edits) as Record<string, unknown>;
    expect(await first.getRepo('OWNER/PROJECT')).toMatchObject({ id: 'Owner/Project', ...merged });
    for (const [index, result] of results.entries()) expect(result).toMatchObject(edits[index] ?? {});
  });

  it('surfaces an edit racing a removal as success or NotFoundError, never as an SDK error', async () => {
    const { first, second } = openTwice();
    for (let round = 0; round < 5; round++) {
      await first.addRepo(settings);
      const outcomes = await Promise.allSettled([
        first.updateRepo('owner/project', { version: `v${round}` }),
        second.removeRepo('owner/project'),
        first.updateRepo('owner/project', { files: round }),
      ]);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(NotFoundError);
      }
      expect(await first.getRepo('owner/project')).toBeUndefined();
    }
  });

  it('refuses values outside the record types, keeping what was stored', async () => {
    const { first } = openTwice();
    await first.addRepo(settings);
    const refused = [
      { track: 'branches' },
      { files: -1 },
      { files: 1.5 },
      { status: 'done' },
      { enabled: 'yes' },
    ];
    for (const changes of refused) {
      await expect(
        first.updateRepo('owner/project', changes as never),
        JSON.stringify(changes),
      ).rejects.toBeInstanceOf(ValidationError);
    }
    await expect(
      first.addRepo({ ...settings, id: 'owner/other', origin: 'cli' as never }),
    ).rejects.toBeInstanceOf(ValidationError);
    await expect(first.listSyncRuns({ limit: -1 })).rejects.toBeInstanceOf(ValidationError);
    expect(await first.listRepos()).toEqual([
      expect.objectContaining({ id: 'Owner/Project', track: 'releases' }),
    ]);
  });

  it('lists runs started in the same instant later-recorded first, cutting ties at the limit correctly', async () => {
    const { first } = openTwice();
    const startedAt = '2025-03-01T10:00:00.000Z';
    for (const id of ['run-a', 'run-b', 'run-c', 'run-d'])
      await first.startSyncRun({ id, repoId: 'owner/x', startedAt });
    await first.startSyncRun({ id: 'run-old', repoId: 'owner/x', startedAt: '2025-02-01T10:00:00.000Z' });
    const ids = async (limit?: number) =>
      (await first.listSyncRuns(limit === undefined ? {} : { limit })).map((run) => run.id);
    expect(await ids()).toEqual(['run-d', 'run-c', 'run-b', 'run-a', 'run-old']);
    expect(await ids(2)).toEqual(['run-d', 'run-c']);
    expect(await ids(5)).toEqual(['run-d', 'run-c', 'run-b', 'run-a', 'run-old']);
  });
});

describe('DynamoDB crawl pages without transactions', () => {
  let proxy: FaultyProxy;

  beforeAll(async () => {
    proxy = await startFaultyProxy(dynalite.endpoint);
  });

  afterAll(async () => {
    await proxy?.close();
  });

  it('stores a large batch in requests of 25, resending what DynamoDB left unprocessed', async () => {
    const catalog = createDynamoDbCatalog({
      tablePrefix: uniqueTablePrefix(),
      createTables: true,
      endpoint: proxy.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'DYNALITE', secretAccessKey: 'DYNALITE' },
      maxAttempts: 1,
    });
    try {
      await catalog.startCrawl(
        { name: 'docs', startUrls: ['https://docs.example.com/'] },
        '2025-06-01T12:00:00.000Z',
      );
      const pages = Array.from({ length: 60 }, (_, index) => pageOf(`https://docs.example.com/p${index}`));
      const before = proxy.operations.length;
      proxy.leaveUnprocessed(2);
      await catalog.putCrawlPages(pages);
      const batches = proxy.operations.slice(before).filter((operation) => operation === 'BatchWriteItem');
      // 60 pages are 3 requests of at most 25; two of them came back half done and were resent.
      expect(batches.length).toBeGreaterThanOrEqual(5);
      expect((await catalog.getCrawlSite('docs'))?.pageCount).toBe(60);
      for (const page of [pages[0], pages[29], pages[59]]) {
        expect(await catalog.getCrawlPage('docs', page?.url ?? '')).toEqual(page);
      }
    } finally {
      await catalog.close();
    }
  });

  it('checks every page and its site before writing any, and refuses a page too large for an item', async () => {
    const { first } = openTwice();
    await first.startCrawl(
      { name: 'docs', startUrls: ['https://docs.example.com/'] },
      '2025-06-01T12:00:00.000Z',
    );
    const kept = pageOf('https://docs.example.com/kept');
    await first.putCrawlPages([kept]);
    const links = Array.from(
      { length: 12_000 },
      (_, index) => `https://docs.example.com/a/long/link/${index}`,
    );
    const batch = [...Array.from({ length: 40 }, (_, index) => pageOf(`https://docs.example.com/n${index}`))];
    batch.push(pageOf('https://docs.example.com/huge', { outLinks: links }));
    await expect(first.putCrawlPages(batch)).rejects.toThrow(/400 KB/);
    await expect(
      first.putCrawlPages([...batch.slice(0, 40), pageOf('https://blog.example.com/x', { site: 'blog' })]),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect(await first.getCrawlSite('docs')).toMatchObject({ pageCount: 1 });
    expect(await first.getCrawlPage('docs', 'https://docs.example.com/n0')).toBeUndefined();
  });

  it('keeps pages whose URL is longer than a DynamoDB sort key, each under its own URL', async () => {
    const { first } = openTwice();
    await first.startCrawl(
      { name: 'docs', startUrls: ['https://docs.example.com/'] },
      '2025-06-01T12:00:00.000Z',
    );
    const base = `https://docs.example.com/search?q=${'x'.repeat(1500)}`;
    const pages = [pageOf(`${base}&page=1`), pageOf(`${base}&page=2`), pageOf(`${base}&page=1#sha256:00`)];
    await first.putCrawlPages(pages);
    for (const page of pages) expect(await first.getCrawlPage('docs', page.url)).toEqual(page);
    expect(await first.deleteCrawlPages('docs', [pages[1]?.url ?? '', `${base}&page=3`])).toBe(1);
    expect((await first.getCrawlSite('docs'))?.pageCount).toBe(2);
  });
});
