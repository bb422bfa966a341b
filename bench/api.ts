// `npm run bench -- api`: HTTP throughput and latency of the real app (`createApp` over the same adapters
// `quarry serve` uses) served by @hono/node-server, against a bare Hono app served the same way in the
// same run. Load comes from autocannon in a worker thread, so it does not share the server's event loop.
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { MockLanguageModelV3 } from 'ai/test';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { Hono } from 'hono';
import { createApp } from '../src/api/create-app.ts';
import { createSearchCache } from '../src/api/search-cache.ts';
import { percentile } from '../src/knowledge/evaluation/percentile.ts';
import { mockRuntime, modelReply } from '../src/models/language-runtime.test-support.ts';
import { type ApiFixture, createApiFixture } from '../test/support/api-fixture.ts';

/** The target this benchmark checks, on the 2-core reference machine. */
const target = { searchRequestsPerSecond: 1000, searchP99Ms: 50 };
const codeReply = 'Here it is:\n```python\ndef add(a, b):\n    return a + b\n```\n';
const tutorialBody = JSON.stringify({ key: 'python', message: 'A function that adds two numbers' });
const release = 'current/acme/widgets/v1.0.0/';
const queryWord = 'retry';
const searchPath = `/api/search?q=${queryWord}&k=10`;

function options() {
  const { values } = parseArgs({
    args: process.argv.slice(3),
    options: {
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '2' },
      connections: { type: 'string', default: '10' },
      files: { type: 'string', default: '200' },
    },
  });
  const numbers = Object.fromEntries(Object.entries(values).map(([name, text]) => [name, Number(text)]));
  for (const [name, value] of Object.entries(numbers)) {
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`--${name} takes a whole number, not ${values[name as keyof typeof values]}`);
  }
  return numbers as { duration: number; warmup: number; connections: number; files: number };
}

// `retry` is one verb among forty, so it is a moderately common word (in about one chunk in seven), as in a
// library with a retry helper: a query for it ranks a few hundred matches.
const allVerbs = (
  'fetch parse retry load store validate render resolve merge compute schedule upload download encode decode ' +
  'format index search sync notify build check clean close copy create delete emit filter flush group hash ' +
  'list lock open read sort split track write'
).split(' ');
const allNouns = (
  'release archive request response token session widget config catalog chunk document repository manifest ' +
  'payload cache queue stream buffer record event'
).split(' ');

/** A seeded generator (mulberry32), so every run indexes the same text. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), state | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** A TypeScript module of `functions` documented functions, names and comments drawn from a small vocabulary. */
function generatedModule(next: () => number, functions: number): string {
  const pick = (words: string[]) => words[Math.floor(next() * words.length)] ?? 'value';
  const capital = (word: string) => word[0]?.toUpperCase() + word.slice(1);
  const lines = ["import { createHash } from 'node:crypto';", ''];
  for (let index = 0; index < functions; index += 1) {
    const [verb, noun, other] = [pick(allVerbs), pick(allNouns), pick(allNouns)];
    const name = `${verb}${capital(noun)}${index}`;
    lines.push(
      `/** ${capital(verb)}s the ${noun} of a ${other}; on failure the caller may ${pick(allVerbs)} the ${pick(allNouns)}. */`,
      `export async function ${name}(${other}: ${capital(other)}, options: { attempts?: number } = {}): Promise<${capital(noun)}> {`,
      `  const attempts = options.attempts ?? ${1 + Math.floor(next() * 5)};`,
      `  let last: unknown;`,
      `  for (let attempt = 1; attempt <= attempts; attempt += 1) {`,
      `    try {`,
      `      const ${noun} = await ${other}.${pick(allVerbs)}${capital(noun)}();`,
      `      return { ...${noun}, digest: createHash('sha256').update(String(${noun})).digest('hex') };`,
      `    } catch (error) {`,
      `      last = error;`,
      `    }`,
      `  }`,
      `  throw new Error(\`could not ${verb} the ${noun}\`, { cause: last });`,
      `}`,
      '',
    );
  }
  return lines.join('\n');
}

/** What was indexed. */
interface IndexSize {
  documents: number;
  chunks: number;
  /** Chunks the benchmark's query word matches. */
  matches: number;
  seconds: number;
}

/** Adds `files` generated modules to the fixture's release and indexes it again. */
async function growIndex(fixture: ApiFixture, files: number, fts: RawFts): Promise<IndexSize> {
  const started = performance.now();
  const next = seededRandom(files);
  for (let index = 0; index < files; index += 1) {
    const key = `${release}src/generated/package-${index % 20}/module-${index}.ts`;
    await fixture.services.store.put(key, Buffer.from(generatedModule(next, 30)));
  }
  const repo = await fixture.services.catalog.getRepo('acme/widgets');
  if (!repo) throw new Error('the fixture has no acme/widgets');
  const knowledge = await fixture.services.knowledge();
  await knowledge.indexRepository(repo);
  const stats = await knowledge.indexStats();
  const seconds = (performance.now() - started) / 1000;
  return { documents: stats.documents, chunks: stats.chunks, matches: fts.count(queryWord), seconds };
}

/** The index file read directly: the raw SQLite FTS5 baseline of the search route. */
interface RawFts {
  count(word: string): number;
  /** The ten best chunks by BM25, with the columns a hit shows. */
  top(word: string): unknown[];
  close(): void;
}

function openRawFts(home: string): RawFts {
  const database = new Database(path.join(home, 'index.sqlite'), { readonly: true });
  const count = database.prepare<[string], { n: number }>(
    'SELECT count(*) AS n FROM chunks_fts WHERE chunks_fts MATCH ?',
  );
  const top = database.prepare(
    `SELECT c.id, c.path, c.start_line, c.end_line, c.text, bm25(chunks_fts) AS score
       FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid
      WHERE chunks_fts MATCH ? ORDER BY score LIMIT 10`,
  );
  return {
    count: (word) => count.get(word)?.n ?? 0,
    top: (word) => top.all(word),
    close: () => database.close(),
  };
}

interface Listening {
  url: string;
  close(): Promise<void>;
}

/** Serves `fetch` with @hono/node-server on 127.0.0.1 and a free port. */
async function listen(fetch: (request: Request) => Response | Promise<Response>): Promise<Listening> {
  const server = serve({ fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The baseline: Hono with one JSON route and nothing else. */
function bareApp(): Hono {
  const app = new Hono();
  app.get('/bare', (context) => context.json({ ok: true }));
  return app;
}

interface LoadTarget {
  route: string;
  url: string;
  method: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Paths each connection cycles through (instead of the URL's own path). */
  paths?: string[];
}

/** One row of the table. */
interface Measurement {
  route: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  errors: number;
  non2xx: number;
  /** 2xx responses, warm-up included. */
  succeeded: number;
}

async function load(request: LoadTarget, seconds: number, connections: number): Promise<autocannon.Result> {
  return autocannon({
    url: request.url,
    method: request.method,
    ...(request.headers ? { headers: request.headers } : {}),
    ...(request.body ? { body: request.body } : {}),
    ...(request.paths ? { requests: request.paths.map((path) => ({ method: request.method, path })) } : {}),
    connections,
    pipelining: 1,
    duration: seconds,
    workers: 1,
  });
}

/** Warms the route up (JIT, SQLite page cache), then measures it. */
async function measure(request: LoadTarget, settings: ReturnType<typeof options>): Promise<Measurement> {
  const warmUp = await load(request, settings.warmup, settings.connections);
  const result = await load(request, settings.duration, settings.connections);
  return {
    route: request.route,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors,
    non2xx: result.non2xx,
    succeeded: warmUp['2xx'] + result['2xx'],
  };
}

/** Mean milliseconds of `task` run back to back for about `seconds` (after a short warm-up). */
async function timeInProcess(
  task: () => Promise<unknown>,
  seconds: number,
): Promise<{ meanMs: number; p99Ms: number }> {
  for (let index = 0; index < 50; index += 1) await task();
  const times: number[] = [];
  const until = performance.now() + seconds * 1000;
  while (performance.now() < until) {
    const started = performance.now();
    await task();
    times.push(performance.now() - started);
  }
  return {
    meanMs: times.reduce((sum, value) => sum + value, 0) / times.length,
    p99Ms: percentile(times, 99),
  };
}

/** Queries a team might send: each verb and noun alone, and verb-noun pairs. */
const mixedQueries = [
  ...allVerbs,
  ...allNouns,
  ...allVerbs.flatMap((verb, index) => [`${verb} ${allNouns[index % allNouns.length]}`]),
];

/** The same app with the search cache `quarry serve` has by default. */
function cachedApp(fixture: ApiFixture) {
  const { dependencies } = fixture;
  const cache = createSearchCache({
    search: dependencies.knowledge.search,
    maxEntries: 500,
    ttlMs: 30_000,
    now: Date.now,
  });
  return createApp({ ...dependencies, knowledge: { ...dependencies.knowledge, search: cache.search } });
}

async function countObjects(fixture: ApiFixture, prefix: string): Promise<number> {
  let count = 0;
  for await (const _ of fixture.services.store.list(prefix)) count += 1;
  return count;
}

/** Runs the benchmark and prints a table and one JSON line. */
export async function main(): Promise<void> {
  const settings = options();
  const model = new MockLanguageModelV3({ doGenerate: async () => modelReply(codeReply) });
  // The cache is off for the main app, so its search rows measure ranking; a second app adds the cache.
  const fixture = await createApiFixture({
    runtime: mockRuntime(model),
    config: 'server:\n  searchCacheSeconds: 0\n',
  });
  const servers: Listening[] = [];
  const fts = openRawFts(fixture.home);
  try {
    const index = await growIndex(fixture, settings.files, fts);
    const quarry = await listen(fixture.app.fetch);
    const cached = await listen(cachedApp(fixture).fetch);
    const bare = await listen(bareApp().fetch);
    servers.push(quarry, cached, bare);
    const authorization = { authorization: `Bearer ${fixture.keys.member}` };
    const targets: LoadTarget[] = [
      { route: 'GET /bare (baseline)', url: `${bare.url}/bare`, method: 'GET' },
      {
        route: `GET ${searchPath}`,
        url: `${quarry.url}${searchPath}`,
        method: 'GET',
        headers: authorization,
      },
      {
        route: `GET /api/search, ${mixedQueries.length} different queries in turn`,
        url: quarry.url,
        method: 'GET',
        headers: authorization,
        paths: mixedQueries.map((query) => `/api/search?q=${encodeURIComponent(query)}&k=10`),
      },
      {
        route: `GET ${searchPath} with the search cache on (server.searchCacheSeconds: 30)`,
        url: `${cached.url}${searchPath}`,
        method: 'GET',
        headers: authorization,
      },
      {
        route: 'POST /code_generation',
        url: `${quarry.url}/code_generation`,
        method: 'POST',
        headers: { ...authorization, 'content-type': 'application/json' },
        body: tutorialBody,
      },
    ];
    const rows: Measurement[] = [];
    for (const request of targets) rows.push(await measure(request, settings));
    const stored = await countObjects(fixture, 'code_output/');
    const profile = {
      rawSqliteFts5Top10: await timeInProcess(async () => fts.top(queryWord), 2),
      searchFunctionAlone: await timeInProcess(
        () => fixture.dependencies.knowledge.search({ text: queryWord, limit: 10, filters: {} }),
        2,
      ),
      searchThroughAppInProcess: await timeInProcess(
        () => fixture.request(searchPath, { as: 'member' }).then((response) => response.arrayBuffer()),
        2,
      ),
    };
    printResults({ settings, index, rows, stored, profile });
  } finally {
    for (const server of servers) await server.close();
    fts.close();
    await fixture.close();
  }
}

interface Results {
  settings: ReturnType<typeof options>;
  index: IndexSize;
  rows: Measurement[];
  /** Objects under `code_output/` after the run (two per successful code generation, warm-up included). */
  stored: number;
  profile: Record<string, { meanMs: number; p99Ms: number }>;
}

function printResults(results: Results): void {
  const { settings, index, rows, profile } = results;
  const bare = rows[0] as Measurement;
  const search = rows[1] as Measurement;
  console.log(
    `index: ${index.documents} documents, ${index.chunks} chunks, ${index.matches} of them matching "${queryWord}" (built in ${index.seconds.toFixed(1)} s); autocannon: ${settings.connections} connections, pipelining 1, ${settings.warmup} s warm-up + ${settings.duration} s per route, in a worker thread\n`,
  );
  console.log('| route | req/s (mean) | p50 ms | p99 ms | requests | errors / non-2xx | vs bare |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) {
    const ratio = row.requestsPerSecond / bare.requestsPerSecond;
    console.log(
      `| ${row.route} | ${row.requestsPerSecond.toFixed(0)} | ${row.p50Ms} | ${row.p99Ms} | ${row.requests} | ${row.errors} / ${row.non2xx} | ${ratio.toFixed(3)} |`,
    );
  }
  console.log('\nin process, one request at a time (no HTTP, no concurrency):');
  for (const [name, timing] of Object.entries(profile)) {
    console.log(`  ${name}: mean ${timing.meanMs.toFixed(3)} ms, p99 ${timing.p99Ms.toFixed(3)} ms`);
  }
  const answers = (rows[rows.length - 1] as Measurement).succeeded;
  const overwritten = Math.max(0, answers - results.stored / 2);
  console.log(
    `code generation: ${answers} answers returned (warm-up included), ${results.stored} objects under code_output/ (two per answer: ${overwritten === 0 ? 'none overwritten' : `${overwritten} outputs overwritten by a concurrent request`})`,
  );
  const meets = (row: Measurement) =>
    row.requestsPerSecond >= target.searchRequestsPerSecond && row.p99Ms < target.searchP99Ms;
  const met = meets(search);
  console.log(
    `\ntarget: search >= ${target.searchRequestsPerSecond} req/s with p99 < ${target.searchP99Ms} ms on the 2-core machine:`,
  );
  for (const row of rows.slice(1, 4)) {
    console.log(
      `  ${meets(row) ? 'met   ' : 'missed'} ${row.route}: ${row.requestsPerSecond.toFixed(0)} req/s, p99 ${row.p99Ms} ms`,
    );
  }
  console.log(
    JSON.stringify({
      benchmark: 'api',
      documents: index.documents,
      chunks: index.chunks,
      matchingChunks: index.matches,
      connections: settings.connections,
      durationSeconds: settings.duration,
      routes: rows.map((row) => ({ ...row, ratioToBare: row.requestsPerSecond / bare.requestsPerSecond })),
      codeOutputObjects: results.stored,
      profile,
      target,
      targetMet: met,
    }),
  );
}
