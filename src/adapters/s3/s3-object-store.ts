import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CopyObjectCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  paginateListObjectsV2,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { type QuarryError, UpstreamError, ValidationError } from '../../core/errors/index.ts';
import { type Logger, silentLogger } from '../../core/ports/logger.ts';
import {
  assertDeletablePrefix,
  assertDistinctPrefixes,
  assertObjectKey,
  assertObjectPrefix,
} from '../../core/ports/object-key.ts';
import type { ByteSource, ObjectInfo, ObjectStore, PutOptions } from '../../core/ports/object-store.ts';
import { errorCode, toQuarryError } from './s3-errors.ts';

const mebibyte = 1024 * 1024;
/** S3 refuses multipart parts below 5 MiB (except the last one). */
const minimumPartSizeBytes = 5 * mebibyte;
/** S3 lists and deletes at most 1000 keys per request. */
const maximumBatchSize = 1000;

/** Options of {@link createS3ObjectStore}. */
export interface S3ObjectStoreOptions {
  /** The bucket that holds the objects; it must exist. */
  bucket: string;
  /** Key prefix inside the bucket under which this store lives: `''` (default) or ending with `/`. */
  prefix?: string;
  /** The client to use; by default one is built from the options below and the SDK's credential chain. */
  client?: S3Client;
  /** AWS region when no client is given (default: the SDK's own lookup; `us-east-1` with an endpoint). */
  region?: string;
  /** An S3-compatible endpoint (MinIO, a local stand-in) when no client is given. */
  endpoint?: string;
  /** Address buckets as `endpoint/bucket` instead of `bucket.endpoint` (default: true with an endpoint). */
  forcePathStyle?: boolean;
  /** Size of one multipart upload part (default 8 MiB, at least 5 MiB). */
  partSizeBytes?: number;
  /** Parts uploaded at once (default 4); a streamed put holds at most `queueSize * partSizeBytes`. */
  queueSize?: number;
  /** Keys asked for per listing request (default and maximum 1000). */
  listPageSize?: number;
  /** Copies in flight during {@link ObjectStore.movePrefix} (default 16). */
  copyConcurrency?: number;
  /** Receives warnings, e.g. a multipart upload that could not be aborted. */
  logger?: Logger;
}

/**
 * An `ObjectStore` in an S3 bucket (or an S3-compatible service), under an optional key prefix.
 *
 * Streams are uploaded with multipart uploads (`partSizeBytes` each, `queueSize` at a time), so a large
 * body is never held whole in memory and nothing appears under the key until the upload completes; a
 * failing source aborts the upload. Text and buffers use one PutObject request.
 *
 * S3 has no rename: `movePrefix` copies every source object (at most `copyConcurrency` at a time), then
 * deletes the target's objects that the source did not have, then deletes the sources. The target is
 * complete before the source disappears, but the move is not atomic: while it runs, readers of the target
 * can see a mix of old and new objects, and a crash leaves both prefixes populated. Copies use CopyObject,
 * which S3 limits to objects of 5 GB.
 */
export function createS3ObjectStore(options: S3ObjectStoreOptions): ObjectStore {
  const prefix = options.prefix ?? '';
  assertBucketName(options.bucket);
  assertStorePrefix(prefix);
  const settings = {
    bucket: options.bucket,
    prefix,
    client: options.client ?? new S3Client(clientConfig(options)),
    partSizeBytes: positiveInteger('partSizeBytes', options.partSizeBytes, 8 * mebibyte),
    queueSize: positiveInteger('queueSize', options.queueSize, 4),
    listPageSize: Math.min(positiveInteger('listPageSize', options.listPageSize, 1000), maximumBatchSize),
    copyConcurrency: positiveInteger('copyConcurrency', options.copyConcurrency, 16),
    logger: options.logger ?? silentLogger,
  };
  if (settings.partSizeBytes < minimumPartSizeBytes) {
    throw new ValidationError(
      `partSizeBytes must be at least ${minimumPartSizeBytes} (5 MiB), the S3 minimum.`,
    );
  }
  return new S3ObjectStore(settings);
}

/**
 * Splits `s3://bucket/some/prefix` into the bucket and a key prefix that is empty or ends with `/`.
 * Anything else (another scheme, a bad bucket name, credentials, unsafe segments) is a `ValidationError`.
 */
export function parseS3Url(url: string): { bucket: string; prefix: string } {
  const hint = 'Write the location as s3://bucket or s3://bucket/some/prefix/.';
  if (!url.startsWith('s3://')) {
    const shown = url.includes('@') ? 'a URL with credentials' : JSON.stringify(url);
    throw new ValidationError(`Expected an s3:// URL, got ${shown}.`, { hint });
  }
  const rest = url.slice('s3://'.length);
  const slash = rest.indexOf('/');
  const bucket = slash === -1 ? rest : rest.slice(0, slash);
  if (bucket.includes('@')) {
    throw new ValidationError('An s3:// URL must not contain credentials.', {
      hint: 'Give credentials through the AWS profile, environment or role, never in the URL.',
    });
  }
  const path = slash === -1 ? '' : rest.slice(slash + 1);
  const prefix = path === '' || path.endsWith('/') ? path : `${path}/`;
  assertBucketName(bucket);
  assertStorePrefix(prefix);
  return { bucket, prefix };
}

/** Resolved settings of one store. */
interface S3StoreSettings {
  bucket: string;
  prefix: string;
  client: S3Client;
  partSizeBytes: number;
  queueSize: number;
  listPageSize: number;
  copyConcurrency: number;
  logger: Logger;
}

class S3ObjectStore implements ObjectStore {
  readonly location: string;

  constructor(private readonly settings: S3StoreSettings) {
    this.location = `s3://${settings.bucket}/${settings.prefix}`;
  }

  urlOf(key: string): string {
    assertObjectKey(key.endsWith('/') ? key.slice(0, -1) : key);
    return `${this.location}${key}`;
  }

  async put(key: string, body: ByteSource, options: PutOptions = {}): Promise<{ size: number }> {
    const target = this.bucketKey(key);
    const contentType = options.contentType === undefined ? {} : { ContentType: options.contentType };
    if (typeof body === 'string' || body instanceof Uint8Array) {
      const bytes = typeof body === 'string' ? Buffer.from(body) : body;
      const request = { Bucket: this.settings.bucket, Key: target, Body: bytes, ...contentType };
      await this.send(`store ${key}`, key, () => this.settings.client.send(new PutObjectCommand(request)));
      return { size: bytes.byteLength };
    }
    return this.upload(key, target, body, contentType);
  }

  async get(key: string): Promise<AsyncIterable<Uint8Array>> {
    const request = { Bucket: this.settings.bucket, Key: this.bucketKey(key) };
    const response = await this.send(`read ${key}`, key, () =>
      this.settings.client.send(new GetObjectCommand(request)),
    );
    const body: unknown = response.Body;
    if (body === undefined) return Readable.from([]);
    if (!isAsyncIterable(body)) {
      throw new UpstreamError(`S3 returned ${key} in a form that cannot be streamed.`);
    }
    return this.mapStreamErrors(body, key);
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const request = { Bucket: this.settings.bucket, Key: this.bucketKey(key) };
    try {
      const response = await this.settings.client.send(new HeadObjectCommand(request));
      return { key, size: response.ContentLength ?? 0 };
    } catch (error) {
      // HEAD responses have no body, so a missing bucket also looks like a plain 404 here.
      if (errorCode(error) === 'NotFound' || errorCode(error) === 'NoSuchKey') return undefined;
      throw this.toQuarryError(error, `read ${key}`, key);
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    assertObjectPrefix(prefix);
    for await (const page of this.pages(prefix)) {
      for (const object of page) {
        const key = object.key.slice(this.settings.prefix.length);
        // Other tools leave keys the port cannot address (console "folder" markers end with "/").
        if (isObjectKey(key)) yield { key, size: object.size };
      }
    }
  }

  async copy(fromKey: string, toKey: string): Promise<void> {
    const request = {
      Bucket: this.settings.bucket,
      Key: this.bucketKey(toKey),
      CopySource: copySource(this.settings.bucket, this.bucketKey(fromKey)),
    };
    await this.send(`copy ${fromKey} to ${toKey}`, fromKey, () =>
      this.settings.client.send(new CopyObjectCommand(request)),
    );
  }

  async delete(key: string): Promise<void> {
    const request = { Bucket: this.settings.bucket, Key: this.bucketKey(key) };
    await this.send(`delete ${key}`, key, () => this.settings.client.send(new DeleteObjectCommand(request)));
  }

  async deletePrefix(prefix: string): Promise<number> {
    assertDeletablePrefix(prefix);
    let count = 0;
    // Deleting a page before asking for the next is safe: the continuation token marks a key position.
    for await (const page of this.pages(prefix)) {
      await this.deleteBucketKeys(page.map((object) => object.key));
      count += page.length;
    }
    return count;
  }

  async movePrefix(fromPrefix: string, toPrefix: string): Promise<void> {
    assertDistinctPrefixes(fromPrefix, toPrefix);
    const moved = new Set<string>();
    const sources = this.bucketKeysUnder(fromPrefix);
    await forEachConcurrently(sources, this.settings.copyConcurrency, async (sourceKey) => {
      const relative = sourceKey.slice(this.settings.prefix.length + fromPrefix.length);
      await this.copyBucketKey(sourceKey, `${this.settings.prefix}${toPrefix}${relative}`);
      moved.add(relative);
    });
    if (moved.size === 0) return;
    const targetStart = this.settings.prefix.length + toPrefix.length;
    const stale: string[] = [];
    for await (const key of this.bucketKeysUnder(toPrefix)) {
      if (!moved.has(key.slice(targetStart))) stale.push(key);
    }
    await this.deleteBucketKeys(stale);
    await this.deleteBucketKeys(
      [...moved].map((relative) => `${this.settings.prefix}${fromPrefix}${relative}`),
    );
  }

  /** Streams a body through a multipart upload (one PutObject when it fits in a single part). */
  private async upload(
    key: string,
    target: string,
    body: AsyncIterable<Uint8Array>,
    contentType: { ContentType?: string },
  ): Promise<{ size: number }> {
    const counter = { bytes: 0, failure: undefined as unknown };
    const stream = Readable.from(countBytes(body, counter));
    const upload = new Upload({
      client: this.settings.client,
      params: { Bucket: this.settings.bucket, Key: target, Body: stream, ...contentType },
      partSize: this.settings.partSizeBytes,
      queueSize: this.settings.queueSize,
      // The store aborts the upload itself, so a failed abort cannot hide the error that caused it.
      leavePartsOnError: true,
    });
    try {
      await upload.done();
      return { size: counter.bytes };
    } catch (error) {
      await this.abortUpload(target, upload.uploadId);
      if (error === counter.failure) throw error;
      throw this.toQuarryError(error, `store ${key}`, key);
    } finally {
      stream.destroy();
    }
  }

  private async abortUpload(target: string, uploadId: string | undefined): Promise<void> {
    if (uploadId === undefined) return;
    const request = { Bucket: this.settings.bucket, Key: target, UploadId: uploadId };
    await this.settings.client.send(new AbortMultipartUploadCommand(request)).catch((error: unknown) => {
      this.settings.logger.warn(
        { location: this.location, key: target, uploadId, code: errorCode(error) },
        'Could not abort a failed multipart upload; its parts use storage until a lifecycle rule ends them.',
      );
    });
  }

  /** Pages of raw bucket keys under `prefix` (relative to the store), each at most 1000 long. */
  private async *pages(prefix: string): AsyncGenerator<{ key: string; size: number }[]> {
    const paginator = paginateListObjectsV2(
      { client: this.settings.client, pageSize: this.settings.listPageSize },
      { Bucket: this.settings.bucket, Prefix: `${this.settings.prefix}${prefix}` },
    );
    try {
      for await (const page of paginator) {
        yield (page.Contents ?? []).flatMap((object) =>
          object.Key === undefined ? [] : [{ key: object.Key, size: object.Size ?? 0 }],
        );
      }
    } catch (error) {
      throw this.toQuarryError(error, `list ${prefix}`, undefined);
    }
  }

  private async *bucketKeysUnder(prefix: string): AsyncGenerator<string> {
    for await (const page of this.pages(prefix)) for (const object of page) yield object.key;
  }

  private async copyBucketKey(sourceKey: string, targetKey: string): Promise<void> {
    const request = {
      Bucket: this.settings.bucket,
      Key: targetKey,
      CopySource: copySource(this.settings.bucket, sourceKey),
    };
    const relative = sourceKey.slice(this.settings.prefix.length);
    await this.send(`copy ${relative}`, relative, () =>
      this.settings.client.send(new CopyObjectCommand(request)),
    );
  }

  /** Deletes raw bucket keys in batches of 1000, failing if S3 reports any key it could not delete. */
  private async deleteBucketKeys(keys: readonly string[]): Promise<void> {
    for (let start = 0; start < keys.length; start += maximumBatchSize) {
      const batch = keys.slice(start, start + maximumBatchSize);
      const request = {
        Bucket: this.settings.bucket,
        Delete: { Objects: batch.map((key) => ({ Key: key })), Quiet: true },
      };
      const response = await this.send(`delete ${batch.length} objects`, undefined, () =>
        this.settings.client.send(new DeleteObjectsCommand(request)),
      );
      const failures = response.Errors ?? [];
      const first = failures[0];
      if (first !== undefined) {
        throw new UpstreamError(
          `S3 could not delete ${failures.length} of ${batch.length} objects in ${this.location}, ` +
            `e.g. ${first.Key ?? 'a key'} (${first.Code ?? 'no code'}).`,
          { hint: 'Check that the credentials allow s3:DeleteObject on this bucket, then try again.' },
        );
      }
    }
  }

  private async *mapStreamErrors(body: AsyncIterable<Uint8Array>, key: string): AsyncGenerator<Uint8Array> {
    try {
      yield* body;
    } catch (error) {
      throw this.toQuarryError(error, `read ${key}`, key);
    }
  }

  /** Runs one request and turns its failure into a Quarry error. */
  private async send<T>(action: string, key: string | undefined, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw this.toQuarryError(error, action, key);
    }
  }

  private toQuarryError(error: unknown, action: string, key: string | undefined): QuarryError {
    return toQuarryError(error, { action, key, bucket: this.settings.bucket, location: this.location });
  }

  /** The bucket key of a store key, after checking the key is safe. */
  private bucketKey(key: string): string {
    assertObjectKey(key);
    return `${this.settings.prefix}${key}`;
  }
}

/** Counts bytes as they pass and remembers an error thrown by the source, to tell it from upload errors. */
async function* countBytes(
  source: AsyncIterable<Uint8Array>,
  counter: { bytes: number; failure: unknown },
): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of source) {
      counter.bytes += chunk.byteLength;
      yield chunk;
    }
  } catch (error) {
    counter.failure = error;
    throw error;
  }
}

/** Runs `task` for every item, at most `limit` at a time; the first failure stops taking new items. */
async function forEachConcurrently<T>(
  items: AsyncIterable<T>,
  limit: number,
  task: (item: T) => Promise<void>,
): Promise<void> {
  const iterator = items[Symbol.asyncIterator]();
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed) {
      const next = await iterator.next();
      if (next.done === true) return;
      await task(next.value).catch((error: unknown) => {
        failed = true;
        throw error;
      });
    }
  };
  const results = await Promise.allSettled(Array.from({ length: limit }, worker));
  const rejection = results.find((result) => result.status === 'rejected');
  if (rejection !== undefined) {
    await iterator.return?.();
    throw rejection.reason;
  }
}

/** The `x-amz-copy-source` value: bucket and key with every key segment percent-encoded. */
function copySource(bucket: string, key: string): string {
  return `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

function clientConfig(options: S3ObjectStoreOptions): S3ClientConfig {
  const region = options.region ?? (options.endpoint === undefined ? undefined : 'us-east-1');
  const config: S3ClientConfig = {
    ...(region === undefined ? {} : { region }),
    // A connection that is taken but never answered fails (and is retried) instead of hanging a sync. The
    // request timeout is for silence on the socket, so a long streamed upload or download is not cut.
    requestHandler: new NodeHttpHandler({ connectionTimeout: 5000, requestTimeout: 120_000 }),
  };
  if (options.endpoint !== undefined) {
    config.endpoint = options.endpoint;
    // S3-compatible services rarely support the SDK's default CRC32 checksums or virtual-host buckets.
    config.requestChecksumCalculation = 'WHEN_REQUIRED';
    config.responseChecksumValidation = 'WHEN_REQUIRED';
    config.forcePathStyle = options.forcePathStyle ?? true;
  } else if (options.forcePathStyle !== undefined) {
    config.forcePathStyle = options.forcePathStyle;
  }
  return config;
}

function assertBucketName(bucket: string): void {
  // Current S3 rules are stricter (lowercase, no "_"), but older buckets may still use these characters.
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{1,253}[A-Za-z0-9]$/.test(bucket)) {
    throw new ValidationError(`${JSON.stringify(bucket)} is not a valid S3 bucket name.`, {
      hint: 'A bucket name has 3 to 63 lowercase letters, digits, dots and hyphens.',
    });
  }
}

function assertStorePrefix(prefix: string): void {
  try {
    assertObjectPrefix(prefix);
  } catch (error) {
    throw new ValidationError(`The S3 key prefix ${JSON.stringify(prefix)} is not usable.`, {
      cause: error,
      hint: 'Use an empty prefix or segments separated by "/" ending with "/", e.g. team-a/quarry/.',
    });
  }
}

/** Both prefixes non-empty, and neither inside the other, so a move can neither lose nor nest objects. */
function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new ValidationError(`${name} must be a positive whole number, got ${value}.`);
  }
  return value;
}

function isObjectKey(key: string): boolean {
  try {
    assertObjectKey(key);
    return true;
  } catch {
    return false;
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<Uint8Array> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
