import { createHash, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createS3rverClient,
  type RunningS3rver,
  s3rverCredentials,
  startS3rver,
} from '../../../test/support/s3rver.ts';
import {
  NotFoundError,
  RetryableError,
  UnsafeInputError,
  UpstreamError,
  ValidationError,
} from '../../core/errors/index.ts';
import { describeObjectStoreContract } from '../../core/ports/object-store.contract.ts';
import type { ObjectStore } from '../../core/ports/object-store.ts';
import { createS3ObjectStore, parseS3Url } from './s3-object-store.ts';

const mebibyte = 1024 * 1024;

let server: RunningS3rver;
beforeAll(async () => {
  server = await startS3rver();
});
afterAll(async () => {
  await server.close();
});

describeObjectStoreContract('S3 (s3rver) under a key prefix', async () => {
  // A new prefix per test keeps tests apart in the one shared bucket; a page size of 2 makes every
  // listing, deletion and move go through continuation tokens.
  const prefix = `team-a/${randomBytes(4).toString('hex')}/`;
  const store = createS3ObjectStore({
    bucket: server.bucket,
    prefix,
    client: server.client,
    partSizeBytes: 5 * mebibyte,
    listPageSize: 2,
  });
  return { store, secret: s3rverCredentials.secretAccessKey, cleanup: async () => {} };
});

describe('createS3ObjectStore', () => {
  let prefix: string;
  let store: ObjectStore;
  let commands: string[];
  beforeEach(() => {
    prefix = `specifics/${randomBytes(4).toString('hex')}/`;
    commands = [];
    store = createS3ObjectStore({ bucket: server.bucket, prefix, client: recordingClient(server, commands) });
  });

  it('uploads a 20 MB stream in parts and reads back the same bytes', async () => {
    const expected = createHash('sha256');
    const source = randomChunks(20_000_000, 1_000_003, (chunk) => expected.update(chunk));
    await expect(store.put('big/twenty.bin', source)).resolves.toEqual({ size: 20_000_000 });
    expect(commands).toContain('CreateMultipartUploadCommand');
    expect(commands.filter((name) => name === 'UploadPartCommand')).toHaveLength(3);
    expect(commands).toContain('CompleteMultipartUploadCommand');
    expect(await store.head('big/twenty.bin')).toEqual({ key: 'big/twenty.bin', size: 20_000_000 });
    const actual = createHash('sha256');
    for await (const chunk of await store.get('big/twenty.bin')) actual.update(chunk);
    expect(actual.digest('hex')).toBe(expected.digest('hex'));
  });

  it('aborts the multipart upload when the source fails after several parts', async () => {
    const source = randomChunks(30_000_000, 1_000_000, () => {}, 19_000_000);
    await expect(store.put('big/broken.bin', source)).rejects.toThrow('source broke');
    expect(commands).toContain('CreateMultipartUploadCommand');
    expect(commands).toContain('AbortMultipartUploadCommand');
    expect(commands).not.toContain('CompleteMultipartUploadCommand');
    expect(await store.head('big/broken.bin')).toBeUndefined();
  });

  it('keeps every object inside its prefix in the bucket', async () => {
    await store.put('a/b.txt', 'x');
    await store.copy('a/b.txt', 'c.txt');
    const listing = await server.client.send(
      new ListObjectsV2Command({ Bucket: server.bucket, Prefix: prefix }),
    );
    expect(listing.Contents?.map((object) => object.Key)).toEqual([`${prefix}a/b.txt`, `${prefix}c.txt`]);
    expect(store.location).toBe(`s3://${server.bucket}/${prefix}`);
    expect(store.urlOf('a/b.txt')).toBe(`s3://${server.bucket}/${prefix}a/b.txt`);
  });

  it('holds an object and a prefix of the same name, listed in byte order', async () => {
    for (const key of ['a/b/c', 'ab', 'a/b', 'a-c']) await store.put(key, key);
    expect(await keysUnder(store, '')).toEqual(['a-c', 'a/b', 'a/b/c', 'ab']);
    await store.movePrefix('a/', 'moved/');
    expect(await keysUnder(store, '')).toEqual(['a-c', 'ab', 'moved/b', 'moved/b/c']);
  });

  it('skips folder markers (keys ending with "/") in listings and deletes them with the prefix', async () => {
    await store.put('docs/readme.md', 'x');
    const marker = {
      Bucket: server.bucket,
      Key: `${prefix}docs/`,
      Body: new Uint8Array(0),
      ContentLength: 0,
    };
    await server.client.send(new PutObjectCommand(marker));
    expect(await keysUnder(store, 'docs/')).toEqual(['docs/readme.md']);
    await expect(store.deletePrefix('docs/')).resolves.toBe(2);
    const listing = await server.client.send(
      new ListObjectsV2Command({ Bucket: server.bucket, Prefix: prefix }),
    );
    expect(listing.Contents ?? []).toEqual([]);
  });

  it('reports a missing bucket as NotFoundError naming the bucket', async () => {
    const missing = createS3ObjectStore({ bucket: 'no-such-bucket', client: server.client });
    for (const attempt of [
      () => missing.get('a.txt'),
      () => missing.put('a.txt', 'x'),
      () => keysUnder(missing, ''),
      () => missing.deletePrefix('a/'),
    ]) {
      const error = await attempt().catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as NotFoundError).message).toBe('Bucket no-such-bucket does not exist.');
      expect((error as NotFoundError).hint).toBeTruthy();
    }
  });

  it('reports refused credentials as UpstreamError without the secret', async () => {
    const accessKeyId = 'AKIAQUARRYUNKNOWN';
    const secretAccessKey = 'wrong-secret-Zm9vYmFy';
    const client = new S3Client({
      region: 'us-east-1',
      endpoint: server.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId, secretAccessKey },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      maxAttempts: 1,
    });
    const refused = createS3ObjectStore({ bucket: server.bucket, client });
    const error = await refused.get('a.txt').catch((caught: unknown) => caught);
    client.destroy();
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).hint).toMatch(/credentials/);
    const shown = JSON.stringify({ error, message: String(error), cause: (error as Error).cause });
    expect(shown).not.toContain(secretAccessKey);
    expect(shown).not.toContain(accessKeyId);
  });

  it('reports an unreachable endpoint as RetryableError', async () => {
    const client = createS3rverClient(`http://127.0.0.1:${await closedPort()}`);
    const unreachable = createS3ObjectStore({ bucket: 'any-bucket', client });
    await expect(unreachable.get('a.txt')).rejects.toBeInstanceOf(RetryableError);
    client.destroy();
  });

  it('refuses invalid options with ValidationError', () => {
    const client = server.client;
    expect(() => createS3ObjectStore({ bucket: 'ok-bucket', prefix: 'no-slash', client })).toThrow(
      ValidationError,
    );
    expect(() => createS3ObjectStore({ bucket: 'ok-bucket', prefix: '../up/', client })).toThrow(
      ValidationError,
    );
    expect(() => createS3ObjectStore({ bucket: 'a/b', client })).toThrow(ValidationError);
    expect(() => createS3ObjectStore({ bucket: 'ok-bucket', partSizeBytes: mebibyte, client })).toThrow(
      ValidationError,
    );
    expect(() => createS3ObjectStore({ bucket: 'ok-bucket', queueSize: 0, client })).toThrow(ValidationError);
  });
});

describe('parseS3Url', () => {
  it.each([
    ['s3://bucket', { bucket: 'bucket', prefix: '' }],
    ['s3://bucket/', { bucket: 'bucket', prefix: '' }],
    ['s3://my.bucket-1/some/prefix', { bucket: 'my.bucket-1', prefix: 'some/prefix/' }],
    ['s3://my-bucket/some/prefix/', { bucket: 'my-bucket', prefix: 'some/prefix/' }],
    ['s3://my-bucket/read me/é/', { bucket: 'my-bucket', prefix: 'read me/é/' }],
  ])('parses %s', (url, expected) => {
    expect(parseS3Url(url)).toEqual(expected);
  });

  it.each([
    'https://bucket/prefix',
    'S3://bucket',
    's3://',
    's3:///prefix',
    's3://b',
    's3://bucket name/x',
    's3://bucket/../escape/',
    's3://bucket/a//b/',
    's3://bucket//x',
    '/tmp/objects',
  ])('refuses %s with ValidationError', (url) => {
    expect(() => parseS3Url(url)).toThrow(ValidationError);
  });

  it('refuses credentials in the URL without echoing them', () => {
    for (const url of ['s3://AKIAEXAMPLE:hunter2@bucket/x', 'https://AKIAEXAMPLE:hunter2@host/x']) {
      const error = catchError(() => parseS3Url(url));
      expect(error).toBeInstanceOf(ValidationError);
      expect(String(error)).not.toContain('hunter2');
      expect(String(error)).not.toContain('AKIAEXAMPLE');
    }
  });

  it('keeps key validation for stores built from a URL', async () => {
    const store = createS3ObjectStore({
      ...parseS3Url(`s3://${server.bucket}/from-url/`),
      client: server.client,
    });
    await expect(store.put('../escape', 'x')).rejects.toBeInstanceOf(UnsafeInputError);
    expect(store.location).toBe(`s3://${server.bucket}/from-url/`);
  });
});

/** The test server's client, recording the name of every command sent through it. */
function recordingClient(running: RunningS3rver, commands: string[]): S3Client {
  const client = createS3rverClient(running.endpoint);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      commands.push(context.commandName ?? 'unknown');
      return next(args);
    },
    { step: 'initialize' },
  );
  return client;
}

/** `totalBytes` of random data in chunks, shown to `observe` as produced; throws at `failAfterBytes`. */
async function* randomChunks(
  totalBytes: number,
  chunkBytes: number,
  observe: (chunk: Uint8Array) => void,
  failAfterBytes = Number.POSITIVE_INFINITY,
): AsyncGenerator<Uint8Array> {
  for (let produced = 0; produced < totalBytes; produced += chunkBytes) {
    if (produced >= failAfterBytes) throw new Error('source broke');
    const chunk = randomBytes(Math.min(chunkBytes, totalBytes - produced));
    observe(chunk);
    yield chunk;
  }
}

async function keysUnder(store: ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of store.list(prefix)) keys.push(object.key);
  return keys;
}

/** A loopback port that nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('No port was bound.');
  return address.port;
}

function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}
