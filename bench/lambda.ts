// `npm run bench -- lambda`: cold start of Quarry's Lambda handlers. Each handler is bundled as it is
// deployed (scripts/bundle-lambda.mjs), then invoked from a fresh Node process (a new container: new
// QUARRY_HOME, no open clients) with the catalog in DynamoDB (dynalite) and the store in S3 (s3rver). The
// baseline, measured in the same run, is the same event handled by an already-warm handler.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
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

function invoke(bundle: string, event: unknown, environment: NodeJS.ProcessEnv, repeat = 1): Invocation {
  const output = execFileSync(process.execPath, [invoker, bundle, JSON.stringify(event), String(repeat)], {
    env: environment,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const last = output.trim().split('\n').at(-1) ?? '{}';
  return JSON.parse(last) as Invocation;
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
    const services = await openQuarry({
      cwd: work,
      environment: { ...base, QUARRY_HOME: path.join(work, 'setup') },
      logFormat: 'json',
      write: () => {},
    });
    await runSyncPass(services);
    await services.close();
    const deployed = { ...base, QUARRY_CATALOG_CREATE_TABLES: 'false' };
    let container = 0;
    const fresh = () => ({ ...deployed, QUARRY_HOME: path.join(work, `container-${container++}`) });
    const apiBundle = path.join(apiFolder as string, 'api.js');
    const checkBundle = path.join(checkFolder as string, 'sync-check.js');
    const checkEvent = (index: number) => ({ repoId: 'acme/bench', runId: `bench-${index}`, force: false });

    const apiCold = Array.from({ length: settings.cold }, () =>
      invoke(apiBundle, httpEvent('/readyz'), fresh()),
    );
    const apiWarm = invoke(apiBundle, httpEvent('/readyz'), fresh(), settings.warm + 1);
    const checkCold = Array.from({ length: settings.cold }, (_, index) =>
      invoke(checkBundle, checkEvent(index), fresh()),
    );
    const checkWarm = invoke(checkBundle, checkEvent(1000), fresh(), Math.min(settings.warm, 50) + 1);
    report(settings, bundleSeconds, { apiCold, apiWarm, checkCold, checkWarm });
  } finally {
    await Promise.all([dynamo.close(), s3.close(), github.close()]);
    await rm(work, { recursive: true, force: true });
  }
}

function report(
  settings: { cold: number; warm: number },
  bundleSeconds: number,
  runs: { apiCold: Invocation[]; apiWarm: Invocation; checkCold: Invocation[]; checkWarm: Invocation },
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
  const warm = [warmRow('API GET /readyz', runs.apiWarm), warmRow('sync check step', runs.checkWarm)];
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
  const apiCold = cold[0]?.firstResponseMs ?? Number.NaN;
  const readyzP50 = warm[0]?.p50Ms ?? Number.NaN;
  console.log(
    `\nTargets: API cold start <= ${target.apiColdStartMs} ms (${apiCold <= target.apiColdStartMs ? 'met' : 'missed'}), warm /readyz p50 <= ${target.readyzWarmP50Ms} ms (${readyzP50 <= target.readyzWarmP50Ms ? 'met' : 'missed'}).`,
  );
  console.log(JSON.stringify({ benchmark: 'lambda', settings, cold, warm, target }));
}
