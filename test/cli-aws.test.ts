import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3ObjectStore } from '../src/adapters/s3/s3-object-store.ts';
import { type FakeGitHub, startFakeGitHub } from './support/fake-github-server.ts';
import { type FakeSnsServer, startFakeSnsServer } from './support/fake-sns-server.ts';
import { cliEnvironment, runQuarry } from './support/run-quarry.ts';
import { type RunningS3rver, s3rverCredentials, startS3rver } from './support/s3rver.ts';
import { buildSourceTarball } from './support/source-tarball.ts';

const topicArn = 'arn:aws:sns:us-east-1:123456789012:quarry-releases';
let github: FakeGitHub;
let s3: RunningS3rver;
let sns: FakeSnsServer;
let webhook: { server: Server; url: string; bodies: unknown[] };
let cwd: string;

beforeAll(async () => {
  [github, s3, sns] = await Promise.all([
    startFakeGitHub(),
    startS3rver({ bucket: 'quarry-e2e' }),
    startFakeSnsServer(),
  ]);
  webhook = await startReceiver();
  cwd = await mkdtemp(path.join(tmpdir(), 'quarry-cli-aws-'));
});
afterAll(async () => {
  await Promise.all([
    github.close(),
    s3.close(),
    sns.close(),
    new Promise((resolve) => webhook.server.close(resolve)),
  ]);
  await rm(cwd, { recursive: true, force: true });
});

describe('quarry sync on AWS adapters (S3 store, SNS and webhook notifications)', () => {
  it('extracts releases into S3 under current/ and archived/ and notifies every subscriber', async () => {
    await writeFile(path.join(cwd, 'quarry.config.yaml'), 'sync:\n  repos: [acme/cloud]\n');
    const env = cliEnvironment({
      QUARRY_GITHUB_API_URL: github.url,
      QUARRY_STORE: 's3://quarry-e2e/teams/platform',
      QUARRY_NOTIFY_WEBHOOKS: `${webhook.url}/hook/SECRET-PATH`,
      QUARRY_NOTIFY_SNS_TOPIC_ARN: topicArn,
      AWS_ENDPOINT_URL_S3: s3.endpoint,
      AWS_ENDPOINT_URL_SNS: sns.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: s3rverCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: 'not-a-real-secret-key-123',
    });
    const v1 = await buildSourceTarball('acme-cloud-1', {
      'main.go': 'package main\n',
      'go.mod': 'module x\n',
    });
    const v2 = await buildSourceTarball('acme-cloud-2', { 'main.go': 'package main // v2\n' });
    github.setRepo('acme', 'cloud', { releases: [{ tag: 'v1.0.0' }], archives: { 'v1.0.0': { body: v1 } } });
    const first = await runQuarry(['sync', '--json'], { cwd, env });
    expect(first.code, first.stderr).toBe(0);
    github.setRepo('acme', 'cloud', {
      releases: [{ tag: 'v1.0.0' }, { tag: 'v2.0.0' }],
      archives: { 'v1.0.0': { body: v1 }, 'v2.0.0': { body: v2 } },
    });
    const second = await runQuarry(['sync', '--json'], { cwd, env });
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout)).toEqual([
      expect.objectContaining({ status: 'updated', tag: 'v2.0.0', previousTag: 'v1.0.0', files: 1 }),
    ]);

    const store = createS3ObjectStore({ bucket: 'quarry-e2e', prefix: 'teams/platform/', client: s3.client });
    const keys: string[] = [];
    for await (const object of store.list('')) keys.push(object.key);
    expect(keys).toEqual([
      'archived/acme/cloud/v1.0.0/go.mod',
      'archived/acme/cloud/v1.0.0/main.go',
      'current/acme/cloud/v2.0.0/main.go',
    ]);
    const location = 's3://quarry-e2e/teams/platform/current/acme/cloud/v2.0.0/';
    expect(sns.published.map((message) => JSON.parse(message.message))).toEqual([
      expect.objectContaining({ tag: 'v1.0.0', previousTag: null }),
      expect.objectContaining({
        event: 'release-extracted',
        repo: 'acme/cloud',
        tag: 'v2.0.0',
        previousTag: 'v1.0.0',
        location,
      }),
    ]);
    expect(sns.published[1]?.topicArn).toBe(topicArn);
    expect(webhook.bodies.at(-1)).toMatchObject({
      message: `Repository acme/cloud with the tag v2.0.0 has been extracted to ${location}`,
    });
    expect(first.stderr + second.stderr).not.toContain('not-a-real-secret-key-123');
  });
});

async function startReceiver(): Promise<{ server: Server; url: string; bodies: unknown[] }> {
  const bodies: unknown[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      response.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, bodies, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}
