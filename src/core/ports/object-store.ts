/**
 * Bytes an adapter can store: a stream of chunks (a Node `Readable` is one), one buffer, or text.
 * Streams are consumed exactly once and never buffered whole by an adapter.
 */
export type ByteSource = AsyncIterable<Uint8Array> | Uint8Array | string;

/** What an adapter knows about one stored object. */
export interface ObjectInfo {
  /** The object's key, relative to the store's root. */
  key: string;
  /** Size in bytes. */
  size: number;
}

/** Options for {@link ObjectStore.put}. */
export interface PutOptions {
  /** MIME type, where the backend keeps one (S3). */
  contentType?: string;
}

/**
 * A flat namespace of byte objects addressed by `/`-separated keys, such as
 * `current/owner/repo/v1.2.3/src/index.ts`.
 *
 * Contract (checked by `object-store.contract.ts` for every adapter):
 * - Keys are validated with `assertObjectKey`: no leading `/`, no empty, `.` or `..` segments, no NUL or
 *   backslash; a bad key is an `UnsafeInputError` and nothing is touched.
 * - `put` replaces an existing object and returns the number of bytes stored. A reader never sees a
 *   half-written object under its final key: adapters write to a temporary name (or use a single
 *   upload request) and publish at the end. A failing source stream leaves no object behind.
 * - `get` of a missing key rejects with `NotFoundError`; `head` resolves `undefined`.
 * - `list(prefix)` yields every object whose key starts with `prefix`, recursively, in ascending
 *   key order, streaming (never collecting the whole listing first).
 * - `delete` is idempotent; `deletePrefix` removes every object under the prefix and returns the count.
 * - `movePrefix(from, to)` makes the objects under `from` appear under `to` (replacing anything that
 *   was under `to`) and removes them from `from`. Adapters that can do it atomically (a folder rename)
 *   must; others copy then delete, so `to` is complete before `from` disappears.
 * - Prefixes passed to `list`, `deletePrefix` and `movePrefix` end with `/` (or are empty for the root
 *   in `list`). `deletePrefix('')` and a `movePrefix` with an empty prefix, or with one prefix inside the
 *   other, are `UnsafeInputError`s (see `assertDistinctPrefixes`).
 * - A key is either an object or a prefix of other objects, never both: a local folder cannot hold a
 *   file `a/b` and a file `a/b/c`, so callers must not rely on S3 allowing it.
 */
export interface ObjectStore {
  /** Where this store lives, as a URL: `file:///abs/path/` or `s3://bucket/prefix/`. Contains no secret. */
  readonly location: string;
  /** The URL of one key in this store (for messages and notifications). */
  urlOf(key: string): string;
  /** Store `body` under `key`, replacing any object there. */
  put(key: string, body: ByteSource, options?: PutOptions): Promise<{ size: number }>;
  /** Read the object under `key` as a stream of chunks. */
  get(key: string): Promise<AsyncIterable<Uint8Array>>;
  /** Size of the object under `key`, or `undefined` when there is none. */
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Every object under `prefix`, in key order. */
  list(prefix: string): AsyncIterable<ObjectInfo>;
  /** Copy one object. The source must exist (`NotFoundError` otherwise). */
  copy(fromKey: string, toKey: string): Promise<void>;
  /** Remove one object; missing objects are not an error. */
  delete(key: string): Promise<void>;
  /** Remove every object under `prefix`; returns how many were removed. */
  deletePrefix(prefix: string): Promise<number>;
  /** Move every object under `fromPrefix` to `toPrefix`, replacing what was there. */
  movePrefix(fromPrefix: string, toPrefix: string): Promise<void>;
}
