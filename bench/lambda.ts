// `npm run bench -- lambda`: cold start of Quarry's Lambda handlers. Each handler is bundled as it is
// deployed (scripts/bundle-lambda.mjs), then invoked from a fresh Node process (a new container: new
// QUARRY_HOME, no open clients) with the catalog in DynamoDB (dynalite) and the store in S3 (s3rver). The
// baseline, measured in the same run, is the same event handled by an already-warm handler.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { bundleLambdas } from '../scripts/bundle-lambda.ts';
import { openQuarry } from '../src/app/open-quarry.ts';
import { runSyncPass } from '../src/app/sync-and-index.ts';
import { percentile } from '../src/knowledge/evaluation/percentile.ts';
import { startDynalite } from '../test/support/dynalite.ts';
import { startFakeGitHub } from '../test/support/fake-github-server.ts';
import { s3rverCredentials, startS3rver } from '../test/support/s3rver.ts';
import { buildSourceTarball } from '../test/support/source-tarball.ts';

/** The targets of the issue, on the 2-core reference machine. */
const target = { apiColdStartMs: 600, readyzWarmP50Ms: 5 };
const invoker = path.resolve(import.meta.dirname, 'lambda-invoke.mjs');
const run = promisify(execFile);

interface Invocation {
  importedMs: number;
  firstResponseMs: number;
  warm: number[];
  status: unknown;
}

function options(): { cold: number; warm: number } {
  const { values } = parseArgs({
    args: process.argv.slice(3),
    options: { cold: { type: 'string', default: '7' }, warm: { type: 'string', default: '200' } },
  });
  return { cold: Number(values.cold), warm: Number(values.warm) };
}

/** An API Gateway HTTP API (payload 2.0) event for `GET path`. */
function httpEvent(pathname: string): Record<string, unknown> {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: pathname,
    rawQueryString: '',
    headers: { host: 'quarry.example.com', 'user-agent': 'bench' },
    requestContext: {
      http: {
        method: 'GET',
        path: pathname,
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.7',
        userAgent: 'bench',
      },
      requestId: 'bench',
      routeKey: '$default',
      stage: '$default',
      timeEpoch: Date.now(),
      domainName: 'quarry.example.com',
      accountId: '123456789012',
      apiId: 'bench',
    },
    isBase64Encoded: false,
  };
}

/** Runs one fresh process (asynchronously: dynalite answers from this process's event loop). */
async function invoke(
  bundle: string,
  event: unknown,
  environment: NodeJS.ProcessEnv,
  repeat = 1,
): Promise<Invocation> {
  const { stdout } = await run(process.execPath, [invoker, bundle, JSON.stringify(event), String(repeat)], {
    env: environment,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
  });
  const last = stdout.trim().split('\n').at(-1) ?? '{}';
  return JSON.parse(last) as Invocation;
}

/** `count` invocations one after another (never at once: each is a container's first event). */
async function inTurn(
  count: number,
  invocation: (index: number) => Promise<Invocation>,
): Promise<Invocation[]> {
  const results: Invocation[] = [];
  for (let index = 0; index < count; index += 1) results.push(await invocation(index));
  return results;
}

/** Milliseconds of each of `count` calls after a few unmeasured ones. */
async function timeRepeatedly(call: () => Promise<unknown>, count = 50): Promise<number[]> {
  for (let index = 0; index < 5; index += 1) await call();
  const times: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const started = performance.now();
    await call();
    times.push(performance.now() - started);
  }
  return times;
}

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export async function main(): Promise<void> {
  const settings = options();
  const work = await mkdtemp(path.join(tmpdir(), 'quarry-bench-lambda-'));
  const [dynamo, s3, github] = await Promise.all([
    startDynalite(),
    startS3rver({ bucket: 'quarry-bench' }),
    startFakeGitHub(),
  ]);
  try {
    const bundles = path.join(work, 'bundles');
    const bundleStarted = performance.now();
    const [apiFolder, checkFolder] = await bundleLambdas(bundles, ['api', 'sync-check']);
    const bundleSeconds = (performance.now() - bundleStarted) / 1000;
    // External native packages (better-sqlite3) are shipped beside the bundle as node_modules.
    await symlink(path.resolve('node_modules'), path.join(bundles, 'node_modules'));
    const tarball = await buildSourceTarball('acme-bench-1', {
      'src/index.ts': 'export const answer = 42;\n',
    });
    github.setRepo('acme', 'bench', {
      releases: [{ tag: 'v1.0.0' }],
      archives: { 'v1.0.0': { body: tarball } },
    });
    await writeFile(path.join(work, 'quarry.config.yaml'), 'sync:\n  repos: [acme/bench]\n');
    const base: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      QUARRY_CATALOG: 'dynamodb://quarry-bench',
      QUARRY_STORE: 's3://quarry-bench/quarry',
      QUARRY_GITHUB_API_URL: github.url,
      QUARRY_CONFIG: path.join(work, 'quarry.config.yaml'),
      QUARRY_LOG_LEVEL: 'warn',
      AWS_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ACCESS_KEY_ID: s3rverCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: s3rverCredentials.secretAccessKey,
      AWS_LAMBDA_FUNCTION_NAME: 'quarry-bench',
    };
    // Tables and the synced release exist before the handlers run, as after a deployment's first sync.
    // The AWS SDK reads credentials and endpoints from this process's environment, as on Lambda.
    Object.assign(process.env, base);
    const services = await openQuarry({
      cwd: work,
      environment: { ...base, QUARRY_HOME: path.join(work, 'setup') },
      logFormat: 'json',
      write: () => {},
    });
    await runSyncPass(services);
    // What /readyz waits for, measured from this process: the floor under its warm latency.
    const roundTrips = {
      catalog: await timeRepeatedly(() => services.catalog.listRepos()),
      store: await timeRepeatedly(async () => {
        for await (const _ of services.store.list('current/')) break;
      }),
    };
    await services.close();
    const deployed = { ...base, QUARRY_CATALOG_CREATE_TABLES: 'false' };
    let container = 0;
    const fresh = () => ({ ...deployed, QUARRY_HOME: path.join(work, `container-${container++}`) });
    const apiBundle = path.join(apiFolder as string, 'api.js');
    const checkBundle = path.join(checkFolder as string, 'sync-check.js');
    const checkEvent = (index: number) => ({ repoId: 'acme/bench', runId: `bench-${index}`, force: false });

    const apiCold = await inTurn(settings.cold, () => invoke(apiBundle, httpEvent('/readyz'), fresh()));
    const apiWarm = await invoke(apiBundle, httpEvent('/readyz'), fresh(), settings.warm + 1);
    const healthWarm = await invoke(apiBundle, httpEvent('/healthz'), fresh(), settings.warm + 1);
    const checkCold = await inTurn(settings.cold, (index) => invoke(checkBundle, checkEvent(index), fresh()));
    const checkWarm = await invoke(checkBundle, checkEvent(1000), fresh(), Math.min(settings.warm, 50) + 1);
    report(settings, bundleSeconds, { apiCold, apiWarm, healthWarm, checkCold, checkWarm }, roundTrips);
  } finally {
    await Promise.all([dynamo.close(), s3.close(), github.close()]);
    await rm(work, { recursive: true, force: true });
  }
}

function report(
  settings: { cold: number; warm: number },
  bundleSeconds: number,
  runs: {
    apiCold: Invocation[];
    apiWarm: Invocation;
    healthWarm: Invocation;
    checkCold: Invocation[];
    checkWarm: Invocation;
  },
  roundTrips: { catalog: number[]; store: number[] },
): void {
  const coldRow = (label: string, cold: Invocation[]) => ({
    label,
    importMs: median(cold.map((run) => run.importedMs)),
    firstResponseMs: median(cold.map((run) => run.firstResponseMs)),
    worstMs: Math.max(...cold.map((run) => run.firstResponseMs)),
    status: cold[0]?.status,
  });
  const warmRow = (label: string, warm: Invocation) => ({
    label,
    p50Ms: percentile(warm.warm, 50),
    p95Ms: percentile(warm.warm, 95),
    invocations: warm.warm.length,
  });
  const cold = [coldRow('API GET /readyz', runs.apiCold), coldRow('sync check step', runs.checkCold)];
  const warm = [
    warmRow('API GET /readyz', runs.apiWarm),
    warmRow('API GET /healthz (no catalog, store or index call)', runs.healthWarm),
    warmRow('sync check step', runs.checkWarm),
  ];
  const fixed = (value: number) => value.toFixed(1);
  console.log(
    `\nLambda handlers, bundled (${fixed(bundleSeconds)} s to bundle), DynamoDB (dynalite) + S3 (s3rver)\n`,
  );
  console.log(
    '| cold start, fresh Node process | import done (ms) | first response (ms, median) | worst (ms) | status |',
  );
  console.log('|---|---:|---:|---:|---|');
  for (const row of cold)
    console.log(
      `| ${row.label} | ${fixed(row.importMs)} | ${fixed(row.firstResponseMs)} | ${fixed(row.worstMs)} | ${String(row.status)} |`,
    );
  console.log('\n| baseline: the same event, warm handler | p50 (ms) | p95 (ms) | invocations |');
  console.log('|---|---:|---:|---:|');
  for (const row of warm)
    console.log(`| ${row.label} | ${fixed(row.p50Ms)} | ${fixed(row.p95Ms)} | ${row.invocations} |`);
  console.log(
    `\n/readyz waits for a DynamoDB Scan of the repositories table (p50 ${fixed(percentile(roundTrips.catalog, 50))} ms on dynalite) and an S3 ListObjectsV2 (p50 ${fixed(percentile(roundTrips.store, 50))} ms on s3rver), run in parallel.`,
  );
  const apiCold = cold[0]?.firstResponseMs ?? Number.NaN;
  const readyzP50 = warm[0]?.p50Ms ?? Number.NaN;
  console.log(
    `\nTargets: API cold start <= ${target.apiColdStartMs} ms (${apiCold <= target.apiColdStartMs ? 'met' : 'missed'}), warm /readyz p50 <= ${target.readyzWarmP50Ms} ms (${readyzP50 <= target.readyzWarmP50Ms ? 'met' : 'missed'}).`,
  );
  console.log(
    JSON.stringify({
      benchmark: 'lambda',
      settings,
      cold,
      warm,
      roundTripsP50Ms: {
        catalog: percentile(roundTrips.catalog, 50),
        store: percentile(roundTrips.store, 50),
      },
      target,
    }),
  );
}
