import { randomBytes } from 'node:crypto';
import { createWriteStream, renameSync, writeFileSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors/index.ts';
import {
  assertDeletablePrefix,
  assertDistinctPrefixes,
  assertObjectKey,
  assertObjectPrefix,
} from '../../core/ports/object-key.ts';
import type { ByteSource, ObjectInfo, ObjectStore, PutOptions } from '../../core/ports/object-store.ts';

/**
 * Bodies up to this size are written with synchronous calls. A release is mostly small files, and one
 * `fs.promises` write costs four thread-pool round trips (open, write, close, rename): measured here, the
 * synchronous calls take a third of the time, and a 256 KiB write blocks the event loop for microseconds.
 */
const synchronousWriteLimit = 256 * 1024;

/** Temporary files carry this marker so listings can skip them and cleanup can find them. */
const temporaryMarker = '~quarry-tmp-';

/** Options of {@link createLocalObjectStore}. */
export interface LocalObjectStoreOptions {
  /** Absolute folder that holds the objects; created on first write. */
  root: string;
}

/**
 * An `ObjectStore` in a local folder: each key is a file path below `root`. Objects are written to a
 * temporary name and renamed into place, so a reader never sees half a file, and `movePrefix` is a
 * folder rename, which makes promoting a release atomic.
 */
export function createLocalObjectStore(options: LocalObjectStoreOptions): ObjectStore {
  if (!path.isAbsolute(options.root)) {
    throw new ValidationError(
      `The object store folder must be an absolute path, got ${JSON.stringify(options.root)}.`,
      {
        hint: 'Use QUARRY_STORE=file:///absolute/path.',
      },
    );
  }
  return new LocalObjectStore(path.resolve(options.root));
}

class LocalObjectStore implements ObjectStore {
  readonly location: string;
  // Creating folders is the most repeated system call when thousands of files land in a few folders.
  private readonly knownFolders = new Set<string>();
  private temporaryCounter = 0;
  private readonly temporaryPrefix = `${temporaryMarker}${process.pid}-${randomBytes(4).toString('hex')}-`;

  constructor(private readonly root: string) {
    this.location = `${pathToFileURL(root).href}/`;
  }

  urlOf(key: string): string {
    assertObjectKey(key.endsWith('/') ? key.slice(0, -1) : key);
    return `${this.location}${key.split('/').map(encodeURIComponent).join('/')}`;
  }

  async put(key: string, body: ByteSource, _options?: PutOptions): Promise<{ size: number }> {
    const target = this.pathOf(key);
    const temporary = `${target}${this.temporaryPrefix}${this.temporaryCounter++}`;
    await this.ensureFolder(path.dirname(target));
    try {
      const size = await writeBody(temporary, body);
      await this.publish(temporary, target, key);
      return { size };
    } catch (error) {
      await fs.rm(temporary, { force: true });
      throw error;
    }
  }

  async get(key: string): Promise<AsyncIterable<Uint8Array>> {
    const file = this.pathOf(key);
    const notFound = () => new NotFoundError(`No object at ${key} in ${this.location}.`);
    const handle = await fs.open(file, 'r').catch((error: NodeJS.ErrnoException) => {
      throw isMissing(error) || error.code === 'EISDIR' ? notFound() : error;
    });
    // A folder opens fine on Linux; it is a prefix of other objects, not an object.
    if (!(await handle.stat()).isFile()) {
      await handle.close();
      throw notFound();
    }
    // The stream must own the FileHandle itself: passing only `handle.fd` lets the garbage collector close
    // the handle (and its descriptor) while the stream still reads from it.
    return handle.createReadStream({ highWaterMark: 256 * 1024 });
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    const stats = await fs.stat(this.pathOf(key)).catch((error: NodeJS.ErrnoException) => {
      if (isMissing(error)) return undefined;
      throw error;
    });
    return stats?.isFile() ? { key, size: stats.size } : undefined;
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    assertObjectPrefix(prefix);
    yield* walk(this.root, prefix);
  }

  async copy(fromKey: string, toKey: string): Promise<void> {
    const source = this.pathOf(fromKey);
    const target = this.pathOf(toKey);
    const temporary = `${target}${this.temporaryPrefix}${this.temporaryCounter++}`;
    await this.ensureFolder(path.dirname(target));
    try {
      await fs.copyFile(source, temporary).catch((error: NodeJS.ErrnoException) => {
        if (!isMissing(error) && error.code !== 'EISDIR') throw error;
        throw new NotFoundError(`Cannot copy ${fromKey}: no such object in ${this.location}.`);
      });
      await this.publish(temporary, target, toKey);
    } catch (error) {
      await fs.rm(temporary, { force: true });
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    const file = this.pathOf(key);
    // A folder is a prefix of other objects, not an object: deleting the key must leave it alone.
    const stats = await fs.lstat(file).catch((error: NodeJS.ErrnoException) => {
      if (isMissing(error)) return undefined;
      throw error;
    });
    if (stats !== undefined && !stats.isDirectory()) await fs.rm(file, { force: true });
  }

  async deletePrefix(prefix: string): Promise<number> {
    assertDeletablePrefix(prefix);
    let count = 0;
    for await (const _object of walk(this.root, prefix)) count += 1;
    await fs.rm(path.join(this.root, prefix), { recursive: true, force: true });
    this.knownFolders.clear();
    return count;
  }

  async movePrefix(fromPrefix: string, toPrefix: string): Promise<void> {
    assertDistinctPrefixes(fromPrefix, toPrefix);
    // Without the trailing "/", so the temporary name below is a sibling of the target, not inside it.
    const source = path.join(this.root, fromPrefix.slice(0, -1));
    const target = path.join(this.root, toPrefix.slice(0, -1));
    // Folders that deleted objects left behind are no source: renaming them would empty the target.
    if (!(await holdsObjects(this.root, fromPrefix))) return;
    await this.ensureFolder(path.dirname(target));
    // Put any old target aside first, so the rename below replaces it in one step.
    const displaced = `${target}${this.temporaryPrefix}${this.temporaryCounter++}`;
    const hadTarget = await fs.rename(target, displaced).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (isMissing(error)) return false;
        throw error;
      },
    );
    await fs.rename(source, target);
    if (hadTarget) await fs.rm(displaced, { recursive: true, force: true });
    this.knownFolders.clear();
  }

  private pathOf(key: string): string {
    assertObjectKey(key);
    return path.join(this.root, key);
  }

  /** Renames a finished temporary file to its key's path. */
  private async publish(temporary: string, target: string, key: string): Promise<void> {
    try {
      // One metadata update; not worth a thread-pool round trip.
      renameSync(temporary, target);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EISDIR') throw error;
      // Deleting objects leaves their folders behind; an empty one must not block a key of the same name.
      if (!(await removeEmptyFolders(target))) {
        throw new ConflictError(`Cannot store ${key}: there are objects under ${key}/ in ${this.location}.`, {
          hint: 'A local store cannot hold an object and a prefix of the same name; delete one of them.',
        });
      }
      this.knownFolders.clear();
      await fs.rename(temporary, target);
    }
  }

  private async ensureFolder(folder: string): Promise<void> {
    if (this.knownFolders.has(folder)) return;
    await fs.mkdir(folder, { recursive: true });
    this.knownFolders.add(folder);
  }
}

async function writeBody(file: string, body: ByteSource): Promise<number> {
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const size = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    if (size <= synchronousWriteLimit) writeFileSync(file, body);
    else await fs.writeFile(file, body);
    return size;
  }
  let size = 0;
  const counted = Readable.from(body, { objectMode: false }).on('data', (chunk: Uint8Array) => {
    size += chunk.byteLength;
  });
  await pipeline(counted, createWriteStream(file, { highWaterMark: 256 * 1024 }));
  return size;
}

/** Yields files under `root/prefix` in key order (a folder's entries sort as `name/`). */
async function* walk(root: string, prefix: string): AsyncGenerator<ObjectInfo> {
  const folder = path.join(root, prefix);
  const entries = await fs.readdir(folder, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (isMissing(error) || error.code === 'ENOTDIR') return [];
    throw error;
  });
  const sorted = entries
    .filter((entry) => !entry.name.includes(temporaryMarker) && (entry.isFile() || entry.isDirectory()))
    .map((entry) => ({ entry, sortKey: entry.isDirectory() ? `${entry.name}/` : entry.name }))
    .sort((left, right) => (left.sortKey < right.sortKey ? -1 : left.sortKey > right.sortKey ? 1 : 0));
  for (const { entry, sortKey } of sorted) {
    if (entry.isDirectory()) {
      yield* walk(root, `${prefix}${sortKey}`);
    } else {
      const stats = await fs.stat(path.join(folder, entry.name));
      yield { key: `${prefix}${entry.name}`, size: stats.size };
    }
  }
}

/** True when at least one object lives under `prefix`. */
async function holdsObjects(root: string, prefix: string): Promise<boolean> {
  const objects = walk(root, prefix);
  const first = await objects.next();
  await objects.return(undefined);
  return first.done !== true;
}

/** Removes `folder` when no file lives in it at any depth; resolves false (and keeps it) otherwise. */
async function removeEmptyFolders(folder: string): Promise<boolean> {
  for (const entry of await fs.readdir(folder, { withFileTypes: true })) {
    if (!entry.isDirectory() || !(await removeEmptyFolders(path.join(folder, entry.name)))) return false;
  }
  // A write that started meanwhile makes this fail with ENOTEMPTY, which must keep the folder.
  return fs.rmdir(folder).then(
    () => true,
    () => false,
  );
}

/** Both prefixes non-empty, and neither inside the other, so a move can neither lose nor nest objects. */
/** ENOTDIR: a path below a file, which cannot be an object either. */
function isMissing(error: NodeJS.ErrnoException): boolean {
  return error.code === 'ENOENT' || error.code === 'ENOTDIR';
}
