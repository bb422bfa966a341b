import { formatByteSize } from '../core/byte-size.ts';
import { LimitExceededError, UnsafeInputError, ValidationError } from '../core/errors/index.ts';
import type { ByteSource } from '../core/ports/object-store.ts';
import type { ArchiveEntry, ExtractOptions, ExtractResult } from './archive-types.ts';
import { linkTargetEscapes, normaliseEntryPath, tamperingHint } from './entry-path.ts';
import { PutPool } from './put-pool.ts';
import { RootFolderTracker } from './root-folder-tracker.ts';

/**
 * Bodies up to this size are gathered into one buffer and stored with one write; larger ones stream. It
 * matches the local store's synchronous-write limit; a larger one held more memory for no speed.
 */
export const smallBodyBytes = 256 * 1024;

const progressIntervalMs = 100;

/** What `ReleaseStager` needs from the extraction options. */
export type StagerOptions = Pick<
  ExtractOptions,
  'store' | 'stagingPrefix' | 'ignore' | 'limits' | 'onProgress' | 'onWarning'
> & { concurrency: number };

/**
 * The format-independent half of extraction: decides for each archive entry whether it is stored
 * (checking its path, the ignore rules and the limits), writes stored entries through a `PutPool`, and
 * keeps the counts for the result and the progress reports. Format readers (tar, zip) describe entries
 * and hand over bodies; they never touch the store themselves.
 */
export class ReleaseStager {
  /** The writes in flight; readers wait on it for backpressure and check it for failure. */
  readonly pool: PutPool;
  readonly #options: StagerOptions;
  readonly #halt: AbortSignal;
  readonly #root = new RootFolderTracker();
  readonly #skipped = { ignored: 0, links: 0, special: 0, directories: 0 };
  #reservedFiles = 0;
  #reservedBytes = 0;
  #files = 0;
  #bytes = 0;
  #downloadedBytes = 0;
  #lastProgressAt = Number.NEGATIVE_INFINITY;

  constructor(options: StagerOptions, halt: AbortController) {
    this.#options = options;
    this.#halt = halt.signal;
    this.pool = new PutPool(options.concurrency, halt);
  }

  /** The extraction limits. */
  get limits(): StagerOptions['limits'] {
    return this.#options.limits;
  }

  /**
   * Returns the object key to store `entry` under, or `null` when it is skipped (folders, links,
   * special files, ignored paths). Throws `UnsafeInputError` for a dangerous path and
   * `LimitExceededError` when storing the entry would pass `sync.maxFiles` or `sync.maxExtractedBytes`.
   */
  admit(entry: ArchiveEntry): string | null {
    const path = normaliseEntryPath(entry.rawPath);
    this.#root.observe(path, entry.kind === 'directory');
    if (entry.kind === 'directory') {
      this.#skipped.directories += 1;
    } else if (entry.kind === 'special') {
      this.#skipped.special += 1;
    } else if (entry.kind === 'symbolic-link' || entry.kind === 'hard-link') {
      this.#skipLink(path, entry.kind, entry.linkTarget);
    } else if (path === '') {
      throw new UnsafeInputError(
        `The archive entry ${JSON.stringify(entry.rawPath)} is a file without a name; the release was rejected.`,
        { hint: tamperingHint },
      );
    } else if (this.#options.ignore?.ignores(this.#root.relativePath(path), false)) {
      this.#skipped.ignored += 1;
    } else {
      this.#reserve(entry.size);
      return `${this.#options.stagingPrefix}${path}`;
    }
    return null;
  }

  /** Like `admit`, but records a thrown error as the pool's failure and returns `null`. */
  admitOrFail(entry: ArchiveEntry): string | null {
    try {
      return this.pool.failed ? null : this.admit(entry);
    } catch (error) {
      this.pool.fail(error);
      return null;
    }
  }

  /**
   * Stores `body` under `key` once the pool has room (callers wait on `pool.whenNotFull()` first).
   * `body` may be a function that opens the body, so opening happens inside the write's slot.
   */
  stage(key: string, declaredSize: number, body: ByteSource | (() => Promise<ByteSource>)): void {
    this.pool.run(key, async () => {
      const opened = typeof body === 'function' ? await body() : body;
      const checked = isStream(opened) ? guardEntryBody(opened, declaredSize, key, this.#halt) : opened;
      const { size } = await this.#options.store.put(key, checked);
      this.#files += 1;
      this.#bytes += size;
      this.reportProgress(false);
    });
  }

  /** Counts bytes read from the download, for progress. */
  countDownloaded(byteLength: number): void {
    this.#downloadedBytes += byteLength;
    this.reportProgress(false);
  }

  /** Calls `onProgress`, at most every 100 ms unless `force` is set. */
  reportProgress(force: boolean): void {
    const onProgress = this.#options.onProgress;
    if (!onProgress) return;
    const now = performance.now();
    if (!force && now - this.#lastProgressAt < progressIntervalMs) return;
    this.#lastProgressAt = now;
    onProgress({ files: this.#files, bytes: this.#bytes, downloadedBytes: this.#downloadedBytes });
  }

  /** The counts so far, as `extractArchive` returns them. */
  result(): ExtractResult {
    return {
      files: this.#files,
      bytes: this.#bytes,
      rootFolder: this.#root.rootFolder,
      skipped: { ...this.#skipped },
    };
  }

  #skipLink(path: string, kind: 'symbolic-link' | 'hard-link', target: string | undefined): void {
    this.#skipped.links += 1;
    if (target === undefined || !linkTargetEscapes(path, target, kind, this.#root.rootFolder)) return;
    this.#options.onWarning?.(
      `Skipped the link ${JSON.stringify(path)}: it points to ${JSON.stringify(target)}, outside the release.`,
    );
  }

  #reserve(size: number): void {
    const { maxFiles, maxExtractedBytes } = this.#options.limits;
    const hint =
      'Raise the limit in quarry.config.yaml if the release is expected to be this large, or leave files out with an ignore file.';
    if (this.#reservedFiles + 1 > maxFiles) {
      throw new LimitExceededError(
        'sync.maxFiles',
        `The archive holds more than ${maxFiles.toLocaleString('en-US')} files, the limit set by sync.maxFiles; the release was rejected.`,
        { hint },
      );
    }
    if (this.#reservedBytes + size > maxExtractedBytes) {
      throw new LimitExceededError(
        'sync.maxExtractedBytes',
        `The archive expands to more than ${formatByteSize(maxExtractedBytes)}, the limit set by sync.maxExtractedBytes; the release was rejected.`,
        { hint },
      );
    }
    this.#reservedFiles += 1;
    this.#reservedBytes += size;
  }
}

function isStream(body: ByteSource): body is AsyncIterable<Uint8Array> {
  return typeof body !== 'string' && !(body instanceof Uint8Array);
}

/**
 * Passes a streamed body to the store, failing it when it is longer than its header said (only a corrupt
 * or crafted archive does that) or when the extraction halts: a body whose archive stopped being read
 * would otherwise wait forever for its next chunk, and so would the store's write.
 */
async function* guardEntryBody(
  body: AsyncIterable<Uint8Array>,
  declaredSize: number,
  key: string,
  halt: AbortSignal,
): AsyncIterable<Uint8Array> {
  const chunks = body[Symbol.asyncIterator]();
  let total = 0;
  try {
    for (;;) {
      const next = await unlessHalted(chunks.next(), halt);
      if (next.done) return;
      total += next.value.byteLength;
      if (total > declaredSize) {
        throw new ValidationError(
          `The archive is corrupt: the entry for ${key} holds more than the ${declaredSize} bytes its header declares.`,
          { hint: 'Download the release again; if it stays corrupt, report it to its maintainers.' },
        );
      }
      yield next.value;
    }
  } finally {
    await chunks.return?.();
  }
}

function unlessHalted<T>(promise: Promise<T>, halt: AbortSignal): Promise<T> {
  if (halt.aborted) return Promise.reject(halt.reason);
  return new Promise((resolve, reject) => {
    const onHalt = () => reject(halt.reason);
    halt.addEventListener('abort', onHalt, { once: true });
    promise.then(
      (value) => {
        halt.removeEventListener('abort', onHalt);
        resolve(value);
      },
      (error: unknown) => {
        halt.removeEventListener('abort', onHalt);
        reject(error);
      },
    );
  });
}
