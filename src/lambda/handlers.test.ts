import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CrawlSite, startCrawlSite } from '../../test/support/crawl-site.ts';
import { type RunningDynalite, startDynalite } from '../../test/support/dynalite.ts';
import { type FakeGitHub, startFakeGitHub } from '../../test/support/fake-github-server.ts';
import { apiEvent, apiOrigin, lambdaContext } from '../../test/support/lambda-events.ts';
import { type RunningS3rver, s3rverCredentials, startS3rver } from '../../test/support/s3rver.ts';
import { buildSourceTarball } from '../../test/support/source-tarball.ts';
import { createS3ObjectStore } from '../adapters/s3/s3-object-store.ts';
import type { BufferedLambdaHandler } from './shared/api-handler.ts';

// Every Lambda entry point invoked with the events AWS sends it (Step Functions task input, API Gateway
// HTTP API v2, EventBridge Scheduler), over DynamoDB (dynalite) and S3 (s3rver) on loopback, as one
// container would: the handlers read their configuration from the environment on the first event.

let dynamo: RunningDynalite;
let s3: RunningS3rver;
let github: FakeGitHub;
let site: CrawlSite;
let folder: string;
const saved = { ...process.env };
const adminPassword = 'lambda-admin-password-1';

/** What Step Functions hands from one task to the next: JSON, nothing else. */
const asJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

beforeAll(async () => {
  [dynamo, s3, github, site] = await Promise.all([
    startDynalite(),
    startS3rver({ bucket: 'quarry-lambda' }),
    startFakeGitHub(),
    startCrawlSite(),
  ]);
  folder = await mkdtemp(path.join(tmpdir(), 'quarry-lambda-'));
  const config = path.join(folder, 'quarry.config.yaml');
  await writeFile(
    config,
    `sync:\n  repos: [acme/steps]\ncrawl:\n  allowPrivateNetworks: true\n  sites:\n    - urls: ['${site.origin}/']\n      maxPages: 5\n`,
  );
  Object.assign(process.env, {
    QUARRY_CONFIG: config,
    QUARRY_CATALOG: 'dynamodb://lambda',
    QUARRY_STORE: 's3://quarry-lambda/quarry',
    QUARRY_GITHUB_API_URL: github.url,
    QUARRY_LOG_LEVEL: 'silent',
    QUARRY_HOME: path.join(folder, 'home'),
    QUARRY_ADMIN_PASSWORD: adminPassword,
    AWS_LAMBDA_FUNCTION_NAME: 'quarry-test',
    AWS_LAMBDA_LOG_STREAM_NAME: '2026/12/07/[$LATEST]abc',
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ACCESS_KEY_ID: s3rverCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3rverCredentials.secretAccessKey,
  });
  const tarball = await buildSourceTarball('acme-steps-1', {
    'src/steps.ts': 'export function quuxStepFunction() {\n  return 42;\n}\n',
  });
  github.setRepo('acme', 'steps', {
    releases: [{ tag: 'v1.0.0' }],
    archives: { 'v1.0.0': { body: tarball } },
  });
});
afterAll(async () => {
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  Object.assign(process.env, saved);
  await Promise.all([dynamo.close(), s3.close(), github.close(), site.close()]);
  await rm(folder, { recursive: true, force: true });
});

const handlers = async () => ({
  list: (await import('./sync-list.ts')).handler,
  check: (await import('./sync-check.ts')).handler,
  extract: (await import('./sync-extract.ts')).handler,
  promote: (await import('./sync-promote.ts')).handler,
  index: (await import('./sync-index.ts')).handler,
  notify: (await import('./sync-notify.ts')).handler,
  fillVectors: (await import('./sync-fill-vectors.ts')).handler,
  recordFailure: (await import('./sync-record-failure.ts')).handler,
  // Buffered: QUARRY_LAMBDA_STREAMING is not set.
  api: (await import('./api.ts')).handler as BufferedLambdaHandler,
  crawl: (await import('./crawl.ts')).handler,
});

describe('the sync workflow, one Lambda per step', () => {
  it('lists, checks, extracts, promotes, indexes and notifies, each step retried once with the same input', async () => {
    const step = await handlers();
    const listed = asJson(await step.list({}, lambdaContext)) as { repos: Array<Record<string, unknown>> };
    expect(listed.repos).toEqual([{ repoId: 'acme/steps', runId: expect.any(String), force: false }]);
    const checked = asJson(await step.check(listed.repos[0], lambdaContext));
    expect(checked).toMatchObject({ newRelease: true, release: { tag: 'v1.0.0' } });
    const extracted = asJson(await step.extract(checked, lambdaContext));
    expect(asJson(await step.extract(checked, lambdaContext))).toEqual(extracted);
    const promoted = asJson(await step.promote(extracted, lambdaContext));
    expect(asJson(await step.promote(extracted, lambdaContext))).toEqual(promoted);
    expect(promoted).toMatchObject({ result: { status: 'updated', tag: 'v1.0.0', files: 1 } });
    const indexed = asJson(await step.index(promoted, lambdaContext));
    expect(indexed).toMatchObject({ index: { status: 'indexed', report: { indexed: 1 } } });
    const notified = asJson(await step.notify(indexed, lambdaContext));
    expect(notified).toMatchObject({ notified: true });
    expect(await step.fillVectors({ results: [notified] }, lambdaContext)).toMatchObject({
      vectors: expect.any(String),
    });

    const store = createS3ObjectStore({ bucket: 'quarry-lambda', prefix: 'quarry/', client: s3.client });
    const keys: string[] = [];
    for await (const object of store.list('current/')) keys.push(object.key);
    expect(keys).toEqual(['current/acme/steps/v1.0.0/src/steps.ts']);
    // The next scheduled check finds nothing new.
    const again = asJson(await step.list({}, lambdaContext)) as { repos: Array<Record<string, unknown>> };
    expect(await step.check(again.repos[0], lambdaContext)).toMatchObject({
      newRelease: false,
      result: { status: 'unchanged', tag: 'v1.0.0' },
    });
  });

  it('records a failed step, leaving current/ at the last complete version', async () => {
    const step = await handlers();
    const listed = asJson(await step.list({ force: true }, lambdaContext)) as {
      repos: Array<Record<string, unknown>>;
    };
    const checked = asJson(await step.check(listed.repos[0], lambdaContext));
    const failed = await step.recordFailure(
      { ...checked, error: { Error: 'States.Timeout', Cause: 'The extract task timed out.' } },
      lambdaContext,
    );
    expect(failed).toMatchObject({
      result: { status: 'failed', error: expect.stringContaining('timed out') },
    });
    const store = createS3ObjectStore({ bucket: 'quarry-lambda', prefix: 'quarry/', client: s3.client });
    const keys: string[] = [];
    for await (const object of store.list('')) keys.push(object.key);
    expect(keys.filter((key) => !key.startsWith('staging/'))).toEqual([
      'current/acme/steps/v1.0.0/src/steps.ts',
    ]);
    // The lock was released: the next run starts.
    const next = asJson(await step.list({}, lambdaContext)) as { repos: Array<Record<string, unknown>> };
    await expect(step.check(next.repos[0], lambdaContext)).resolves.toMatchObject({ repoId: 'acme/steps' });
  });

  it('refuses a malformed event with a ValidationError naming the field', async () => {
    const step = await handlers();
    await expect(step.check({ repoId: 'not-a-repo', runId: 'r1' }, lambdaContext)).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringContaining('repoId'),
    });
  });
});

describe('the API handler over the same tables and bucket', () => {
  it('signs the first admin in and finds what the workflow indexed', async () => {
    const { api } = await handlers();
    const ready = await api(apiEvent({ path: '/readyz' }), lambdaContext);
    expect(ready.statusCode).toBe(200);
    const login = await api(
      apiEvent({
        method: 'POST',
        path: '/api/auth/login',
        headers: { 'content-type': 'application/json', origin: apiOrigin },
        body: JSON.stringify({ username: 'admin', password: adminPassword }),
      }),
      lambdaContext,
    );
    expect(login.statusCode).toBe(200);
    const cookie = (login.cookies?.[0] ?? '').split(';')[0] ?? '';
    const search = await api(
      apiEvent({ path: '/api/search', query: 'q=quuxStepFunction', cookies: [cookie] }),
      lambdaContext,
    );
    expect(search.statusCode).toBe(200);
    expect(search.body).toContain('src/steps.ts');
    // A pass started inside the API would be frozen with the container: the workflow syncs on AWS.
    const sync = await api(
      apiEvent({
        method: 'POST',
        path: '/api/sync',
        headers: { 'content-type': 'application/json', origin: apiOrigin },
        body: '{}',
        cookies: [cookie],
      }),
      lambdaContext,
    );
    expect(sync.statusCode).toBe(400);
    expect(sync.body).toContain('state machine');
  });
});

describe('the scheduled crawl handler', () => {
  it('crawls crawl.sites when EventBridge Scheduler invokes it', async () => {
    const { crawl } = await handlers();
    const result = await crawl({ source: 'aws.scheduler', 'detail-type': 'Scheduled Event' }, lambdaContext);
    expect(result.stoppedEarly).toBe(false);
    expect(result.sites).toEqual([expect.objectContaining({ ok: true })]);
  });
});
