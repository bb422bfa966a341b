import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createLocalObjectStore } from '../../src/adapters/fs/local-object-store.ts';
import type { ObjectStore } from '../../src/core/ports/object-store.ts';
import type { ArchiveFormat, ExtractOptions, ExtractResult } from '../../src/sync/archive-types.ts';
import { extractArchive } from '../../src/sync/extract-archive.ts';
import { chunked } from './archives.ts';

/** A temporary folder holding a real local object store and a scratch folder, for extraction tests. */
export interface ExtractionFixture {
  /** The temporary folder everything lives in. */
  root: string;
  store: ObjectStore;
  storeRoot: string;
  scratchFolder: string;
  stagingPrefix: string;
  /** Extracts `bytes`, fed in 64 KiB chunks, with generous limits unless overridden. */
  extract(
    format: ArchiveFormat,
    bytes: Uint8Array,
    overrides?: Partial<ExtractOptions>,
  ): Promise<ExtractResult>;
  /** Stored objects under the staging prefix: key relative to it → size. */
  staged(): Promise<Map<string, number>>;
  /** Text of the object at `stagingPrefix + relativeKey`. */
  read(relativeKey: string): Promise<string>;
  /** Every file below `root`, relative to it, including temporary files a store might leave. */
  filesOnDisk(): Promise<string[]>;
  /** Files below `root` that are not objects of the store: temporary files, spooled downloads. */
  strayFiles(): Promise<string[]>;
  remove(): Promise<void>;
}

/** Creates an {@link ExtractionFixture} in a new temporary folder. */
export async function createExtractionFixture(): Promise<ExtractionFixture> {
  const root = await mkdtemp(path.join(tmpdir(), 'quarry-extract-'));
  const storeRoot = path.join(root, 'store');
  const store = createLocalObjectStore({ root: storeRoot });
  const scratchFolder = path.join(root, 'scratch');
  const stagingPrefix = 'staging/acme/widgets/run-1/';
  return {
    root,
    store,
    storeRoot,
    scratchFolder,
    stagingPrefix,
    extract: (format, bytes, overrides = {}) =>
      extractArchive({
        format,
        source: chunked(bytes),
        store,
        stagingPrefix,
        ignore: null,
        limits: { maxExtractedBytes: 100 * 1024 * 1024, maxFiles: 10_000 },
        scratchFolder,
        ...overrides,
      }),
    staged: async () => {
      const objects = new Map<string, number>();
      for await (const object of store.list(stagingPrefix)) {
        objects.set(object.key.slice(stagingPrefix.length), object.size);
      }
      return objects;
    },
    read: async (relativeKey) => {
      const chunks: Uint8Array[] = [];
      for await (const chunk of await store.get(`${stagingPrefix}${relativeKey}`)) chunks.push(chunk);
      return Buffer.concat(chunks).toString('utf8');
    },
    filesOnDisk: () => filesOnDisk(root),
    strayFiles: async () => {
      const objects = new Set<string>();
      for await (const object of store.list('')) objects.add(path.join('store', object.key));
      return (await filesOnDisk(root)).filter((file) => !objects.has(file));
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
}

async function filesOnDisk(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => !entry.isDirectory())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .sort();
}
