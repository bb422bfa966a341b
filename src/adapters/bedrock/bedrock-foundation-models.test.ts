import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakeBedrockServer,
  fakeBedrockChatModels,
  startFakeBedrockServer,
} from '../../../test/support/fake-bedrock-server.ts';
import { findAwsCredentials, listBedrockFoundationModels } from './bedrock-foundation-models.ts';

const secretAccessKey = 'FAKESECRETbedrockListing0123456789abcdef';
let bedrock: FakeBedrockServer;

beforeAll(async () => {
  bedrock = await startFakeBedrockServer();
});
afterAll(async () => {
  await bedrock.close();
});

/** Static keys and the fake's endpoint: everything a listing needs, nothing from the real machine. */
function environment(extra: Record<string, string> = {}): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: 'AKIAFAKELISTING',
    AWS_SECRET_ACCESS_KEY: secretAccessKey,
    AWS_ENDPOINT_URL_BEDROCK: bedrock.url,
    HOME: '/nonexistent-home',
    ...extra,
  };
}

describe('findAwsCredentials', () => {
  const none = () => false;

  it('recognises each kind of credentials, in order', () => {
    expect(findAwsCredentials({ AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' }, none)).toBe(
      'static keys',
    );
    expect(findAwsCredentials({ AWS_BEARER_TOKEN_BEDROCK: 'token' }, none)).toBe('Bedrock API key');
    expect(findAwsCredentials({ AWS_PROFILE: 'dev' }, none)).toBe('profile dev');
    expect(findAwsCredentials({ AWS_WEB_IDENTITY_TOKEN_FILE: '/t' }, none)).toBe('web identity');
    expect(findAwsCredentials({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2' }, none)).toBe(
      'container role',
    );
  });

  it('finds shared config files under HOME or where the environment points', () => {
    const seen: string[] = [];
    const exists = (file: string) => {
      seen.push(file);
      return file === '/custom/credentials';
    };
    expect(findAwsCredentials({ HOME: '/home/me' }, exists)).toBeUndefined();
    expect(seen).toEqual([
      path.join('/home/me', '.aws', 'credentials'),
      path.join('/home/me', '.aws', 'config'),
    ]);
    expect(findAwsCredentials({ AWS_SHARED_CREDENTIALS_FILE: '/custom/credentials' }, exists)).toBe(
      'shared config files',
    );
  });

  it('finds nothing when only a secret key without an access key id is set', () => {
    expect(findAwsCredentials({ AWS_SECRET_ACCESS_KEY: 'x', HOME: '/h' }, none)).toBeUndefined();
  });
});

describe('listBedrockFoundationModels', () => {
  it('lists the text models through ListFoundationModels, signed with the static keys', async () => {
    const listing = await listBedrockFoundationModels({ region: 'eu-west-1', environment: environment() });
    expect(listing.ok).toBe(true);
    if (!listing.ok) return;
    expect(listing.models.map((model) => model.modelId).sort()).toEqual([...fakeBedrockChatModels].sort());
    expect(listing.models[0]).toMatchObject({ onDemand: true, providerName: expect.any(String) });
    const request = bedrock.requests.at(-1);
    expect(request?.path).toBe('/foundation-models');
    expect(request?.headers.authorization).toMatch(/Credential=AKIAFAKELISTING\/\d{8}\/eu-west-1\/bedrock\//);
  });

  it('uses a Bedrock API key as a bearer token', async () => {
    const listing = await listBedrockFoundationModels({
      region: 'us-east-1',
      environment: {
        AWS_BEARER_TOKEN_BEDROCK: 'bedrock-api-key-0123456789',
        AWS_ENDPOINT_URL_BEDROCK: bedrock.url,
      },
    });
    expect(listing.ok).toBe(true);
    expect(bedrock.requests.at(-1)?.headers.authorization).toBe('Bearer bedrock-api-key-0123456789');
  });

  it('attempts nothing without credentials', async () => {
    const before = bedrock.requests.length;
    const listing = await listBedrockFoundationModels({
      region: 'us-east-1',
      environment: { AWS_ENDPOINT_URL_BEDROCK: bedrock.url },
      fileExists: () => false,
    });
    expect(listing).toMatchObject({
      ok: false,
      reason: 'no-credentials',
      detail: expect.stringMatching(/no AWS/),
    });
    expect(bedrock.requests.length).toBe(before);
  });

  it('reports a refusal with its status and no secret', async () => {
    bedrock.failNext(403);
    const listing = await listBedrockFoundationModels({ region: 'us-east-1', environment: environment() });
    expect(listing).toMatchObject({ ok: false, reason: 'rejected', detail: expect.stringMatching(/403/) });
    expect(JSON.stringify(listing)).not.toContain(secretAccessKey);
  });

  it('says unreachable for a dead endpoint and for one that never answers', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const dead = await listBedrockFoundationModels({
      region: 'us-east-1',
      environment: environment({ AWS_ENDPOINT_URL_BEDROCK: `http://127.0.0.1:${port}` }),
    });
    expect(dead).toEqual({ ok: false, reason: 'unreachable', detail: 'could not connect (ECONNREFUSED)' });

    bedrock.hangNext();
    const hung = await listBedrockFoundationModels({
      region: 'us-east-1',
      environment: environment(),
      timeoutMs: 300,
    });
    expect(hung).toMatchObject({
      ok: false,
      reason: 'unreachable',
      detail: expect.stringMatching(/no answer within/),
    });
  });
});
