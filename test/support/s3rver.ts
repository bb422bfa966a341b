import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** A running s3rver with one bucket and a client configured to talk to it. */
export interface RunningS3rver {
  /** `http://127.0.0.1:<port>`. */
  endpoint: string;
  /** The bucket created at start. */
  bucket: string;
  /** A client for `endpoint`: fake credentials, path-style addressing, checksums only when required. */
  client: S3Client;
  /** Stops the server, destroys the client and removes the server's folder. */
  close(): Promise<void>;
}

/** Fake credentials s3rver accepts; they open nothing real. */
export const s3rverCredentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

// s3rver encrypts list continuation tokens with DES, which OpenSSL 3 only offers through its legacy
// provider, so the server runs in its own Node process started with that flag. Closing stdin (also when
// the test process dies) stops it.
// Three s3rver bugs are patched before the server loads, so it behaves like S3 where Quarry relies on it:
// - it lists keys in directory order, where S3 sorts them by their UTF-8 bytes (and its continuation
//   tokens assume sorted keys, so pages skip keys): the walk is sorted;
// - DeleteObjects deletes keys in parallel while each deletion removes folders it emptied, so deleting
//   two keys of one folder fails with a 500: deletions run one at a time.
// - PutObject writes over the object in place, so racing puts mix their bytes (see below).
const serverScript = `
const fs = require('fs');
const path = require('path');
const library = path.dirname(process.argv[1]);
const utils = require(path.join(library, 'utils.js'));
utils.walk = function* sortedWalk(folder, recurseFilter) {
  const entries = fs.readdirSync(folder, { withFileTypes: true }).map((entry) => ({
    entry,
    order: Buffer.from(entry.isDirectory() ? entry.name + '/' : entry.name.replace(/\\._S3rver_.*$/, '')),
  }));
  entries.sort((left, right) => Buffer.compare(left.order, right.order));
  for (const { entry } of entries) {
    const entryPath = path.posix.join(folder, entry.name);
    if (!entry.isDirectory()) yield entryPath;
    else if (!recurseFilter || recurseFilter(entryPath)) yield* sortedWalk(entryPath, recurseFilter);
  }
};
// Loaded only now: it copies utils.walk when it loads.
const FilesystemStore = require(path.join(library, 'stores', 'filesystem.js'));
const deleteObject = FilesystemStore.prototype.deleteObject;
let deletions = Promise.resolve();
FilesystemStore.prototype.deleteObject = function deleteOneAtATime(...args) {
  const deletion = deletions.then(() => deleteObject.apply(this, args));
  deletions = deletion.catch(() => {});
  return deletion;
};
// PutObject writes the object file in place (two racing puts interleave their bytes) and answers before
// the file is flushed; S3 makes a put visible whole or not at all. Each put writes a file of its own and
// renames it over the object once it is complete (the temporary name is never listed as a key).
const crypto = require('crypto');
FilesystemStore.prototype.putObject = async function putWholeObject(object) {
  const objectPath = this.getResourcePath(object.bucket, object.key, 'object');
  await fs.promises.mkdir(path.dirname(objectPath), { recursive: true });
  const partial = objectPath + '.' + crypto.randomBytes(6).toString('hex') + '.partial';
  const md5 = crypto.createHash('md5');
  let size = 0;
  await new Promise((resolve, reject) => {
    const file = fs.createWriteStream(partial).on('error', reject).on('finish', resolve);
    if (Buffer.isBuffer(object.content)) {
      md5.update(object.content);
      size = object.content.length;
      file.end(object.content);
      return;
    }
    object.content.on('error', reject).on('data', (chunk) => {
      md5.update(chunk);
      size += chunk.length;
    });
    object.content.pipe(file);
  });
  const digest = md5.digest('hex');
  await fs.promises.rename(partial, objectPath);
  await this.putMetadata(object.bucket, object.key, object.metadata, digest);
  return { size, md5: digest };
};
const S3rver = require(process.argv[1]);
const server = new S3rver({
  address: '127.0.0.1', port: 0, silent: process.env.S3RVER_LOG !== '1', directory: process.argv[2],
  configureBuckets: [{ name: process.argv[3] }],
});
server.run().then(
  (address) => process.stdout.write(JSON.stringify({ port: address.port }) + '\\n'),
  (error) => { console.error(error); process.exit(1); },
);
process.stdin.on('end', () => server.close().finally(() => process.exit(0)));
process.stdin.resume();
`;

/**
 * Starts s3rver 3 on 127.0.0.1 with a free port, storing objects in a new temporary folder, and creates
 * the bucket (default `quarry-test`). Set `S3RVER_LOG=1` to see the server's request log.
 */
export async function startS3rver(options: { bucket?: string } = {}): Promise<RunningS3rver> {
  const bucket = options.bucket ?? 'quarry-test';
  const directory = await mkdtemp(path.join(tmpdir(), 'quarry-s3rver-'));
  const modulePath = createRequire(import.meta.url).resolve('s3rver');
  const server = spawn(
    process.execPath,
    ['--openssl-legacy-provider', '-e', serverScript, modulePath, directory, bucket],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const port = await readPort(server);
  const endpoint = `http://127.0.0.1:${port}`;
  const client = createS3rverClient(endpoint);
  return {
    endpoint,
    bucket,
    client,
    async close() {
      client.destroy();
      const exited = once(server, 'exit');
      server.stdin?.end();
      await exited;
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** An S3 client for a local s3rver at `endpoint`. */
export function createS3rverClient(endpoint: string): S3Client {
  return new S3Client({
    region: 'us-east-1',
    endpoint,
    forcePathStyle: true,
    credentials: s3rverCredentials,
    // s3rver predates the SDK's default CRC32 checksums.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: new NodeHttpHandler(),
    // A test should see the first failure, not a retried one.
    maxAttempts: 1,
  });
}

async function readPort(server: ChildProcess): Promise<number> {
  if (!server.stdout) throw new Error('s3rver was started without a stdout pipe.');
  const lines = createInterface({ input: server.stdout });
  const exited = once(server, 'exit').then(([code]) => {
    throw new Error(`s3rver exited with code ${String(code)} before it was ready.`);
  });
  const ready = once(lines, 'line').then(([line]) => (JSON.parse(String(line)) as { port: number }).port);
  try {
    return await Promise.race([ready, exited]);
  } finally {
    exited.catch(() => {});
    lines.close();
  }
}
