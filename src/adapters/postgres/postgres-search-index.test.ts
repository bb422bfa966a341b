import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite/vector';
import picomatch from 'picomatch';
import { afterAll, describe, expect, it } from 'vitest';
import { UpstreamError, ValidationError } from '../../core/errors/index.ts';
import { describeSearchIndexContract } from '../../core/ports/search-index.contract.ts';
import type { DocumentInput } from '../../core/ports/search-index.ts';
import { createPgliteSqlClient } from './pglite-sql-client.ts';
import { connectPostgres, createPostgresSearchIndex } from './postgres-search-index.ts';
import { pathPattern } from './postgres-search-sql.ts';
import type { SqlClient } from './sql-client.ts';

// One PGlite for the whole file (starting one takes seconds); every index gets its own table prefix.
let database: Promise<PGlite> | undefined;
let prefixNumber = 0;

afterAll(async () => {
  if (database) await (await database).close();
});

/** A client of the shared PGlite whose `close()` leaves the database open for the next test. */
async function sharedClient(): Promise<SqlClient> {
  database ??= PGlite.create({ extensions: { vector } });
  const client = createPgliteSqlClient(await database);
  return { ...client, close: async () => undefined };
}

function freshPrefix(): string {
  prefixNumber += 1;
  return `test_${prefixNumber}_`;
}

function documentAt(path: string): DocumentInput {
  return {
    source: 'notes',
    version: '',
    path,
    language: 'text',
    contentHash: `hash-of-${path}`,
    byteSize: 1,
  };
}

describeSearchIndexContract('PostgreSQL + pgvector (PGlite)', async () => {
  const index = await createPostgresSearchIndex({ client: await sharedClient(), tablePrefix: freshPrefix() });
  return { index, cleanup: () => index.close() };
});

describe('PostgreSQL search index', () => {
  it('matches path globs exactly as picomatch does', async () => {
    const client = await sharedClient();
    const globs = [
      'src/**/*.ts',
      'src/**',
      '**/*.md',
      '*.md',
      'docs/*',
      'fish*',
      '**/test/**',
      '*.{ts,tsx}',
      '**/*.{ts,tsx}',
      'src/?.ts',
      '[ab]*.ts',
      'src/!(core)/**',
      '!**/*.md',
      '.github/**',
      '**/.*',
      'a+b/**',
      'file (1).txt',
      '**/index.ts',
      '**',
      'ünïcode/*.md',
    ];
    const paths = [
      'src/core/a.ts',
      'src/b.py',
      'src/a.ts',
      'src/x/y.ts',
      'docs/c.md',
      'README.md',
      'fish.md',
      'b.ts',
      'test/x.ts',
      'src/test/y.tsx',
      '.github/workflows/ci.yml',
      'src/.hidden.ts',
      'a+b/c.ts',
      'file (1).txt',
      'src/core/index.ts',
      'docs/guide/intro.md',
      'ünïcode/ß.md',
    ];
    for (const glob of globs) {
      const matcher = picomatch.makeRe(glob, { dot: true });
      const { rows } = await client.query<{ path: string }>(
        'SELECT path FROM unnest($1::text[]) AS path WHERE path ~ $2::text',
        [paths, pathPattern(glob)],
      );
      expect(
        rows.map((row) => row.path),
        glob,
      ).toEqual(paths.filter((path) => matcher.test(path)));
    }
  });

  it('finds words inside dotted names and words English drops as stop words', async () => {
    const index = await createPostgresSearchIndex({
      client: await sharedClient(),
      tablePrefix: freshPrefix(),
    });
    await index.writeDocument(documentAt('src/log.ts'), [
      { text: 'console.log(value as any); // runs once', startLine: 1, endLine: 1, headingPath: [] },
    ]);
    for (const query of ['log', 'console', 'any', 'once', 'src/log.ts']) {
      const hits = await index.search({ text: query, mode: 'keyword', limit: 5, filters: {} });
      expect(
        hits.map((hit) => hit.path),
        query,
      ).toEqual(['src/log.ts']);
    }
  });

  it('stores text holding a NUL character, which PostgreSQL text cannot hold', async () => {
    const index = await createPostgresSearchIndex({
      client: await sharedClient(),
      tablePrefix: freshPrefix(),
    });
    await index.writeDocument(documentAt('binary.txt'), [
      { text: 'header\u0000payload', startLine: 1, endLine: 1, headingPath: [] },
    ]);
    const hits = await index.search({ text: 'payload', mode: 'keyword', limit: 5, filters: {} });
    expect(hits.map((hit) => hit.text)).toEqual(['header\uFFFDpayload']);
  });

  it('keeps indexes with different table prefixes apart and migrates each once', async () => {
    const client = await sharedClient();
    const tablePrefix = freshPrefix();
    const first = await createPostgresSearchIndex({ client, tablePrefix });
    const other = await createPostgresSearchIndex({ client, tablePrefix: freshPrefix() });
    await first.writeDocument(documentAt('a.md'), [
      { text: 'pelicans', startLine: 1, endLine: 1, headingPath: [] },
    ]);
    expect((await other.stats()).documents).toBe(0);
    const reopened = await createPostgresSearchIndex({ client, tablePrefix });
    expect((await reopened.stats()).documents).toBe(1);
    const { rows } = await client.query<{ version: number }>(`SELECT version FROM ${tablePrefix}migrations`);
    expect(rows).toEqual([{ version: 1 }]);
  });

  it('refuses a schema newer than it knows and a prefix that is not a plain identifier', async () => {
    const client = await sharedClient();
    const tablePrefix = freshPrefix();
    await createPostgresSearchIndex({ client, tablePrefix });
    await client.query(
      `INSERT INTO ${tablePrefix}migrations (version, name, applied_at) VALUES (99, 'future', now())`,
    );
    await expect(createPostgresSearchIndex({ client, tablePrefix })).rejects.toBeInstanceOf(ValidationError);
    await expect(createPostgresSearchIndex({ client, tablePrefix: 'Bad; DROP' })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});

describe('connectPostgres', () => {
  const password = 'Sup3r-Secret-Passw0rd';

  it('names the server but not the password when it cannot be reached', async () => {
    const failure = await connectPostgres(`postgres://quarry:${password}@127.0.0.1:1/quarry`, {
      connectTimeoutMs: 2_000,
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UpstreamError);
    const error = failure as UpstreamError;
    expect(error.message).toContain('postgres://quarry@127.0.0.1:1/quarry');
    expect(error.hint).toBeDefined();
    const everything = `${error.message} ${error.hint} ${String(error.cause)} ${JSON.stringify(error)}`;
    expect(everything).not.toContain(password);
  });

  it('rejects a malformed connection string without repeating it', async () => {
    const failure = await connectPostgres(`postgres://quarry:${password}@[not-a-host/quarry`).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ValidationError);
    const error = failure as ValidationError;
    expect(`${error.message} ${error.hint} ${String(error.cause)}`).not.toContain(password);
  });
});
