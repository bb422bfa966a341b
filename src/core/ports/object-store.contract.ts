import { describe, expect, it, type TestAPI } from 'vitest';
import { NotFoundError, UnsafeInputError } from '../errors/index.ts';
import type { ObjectInfo, ObjectStore } from './object-store.ts';

/** What an adapter's test hands to {@link describeObjectStoreContract}: a fresh, empty store. */
export interface ObjectStoreContractSubject {
  store: ObjectStore;
  /** Removes everything the store and its backend left behind. */
  cleanup: () => Promise<void>;
  /** A credential the adapter holds (a secret key, a password) that no URL or error message may show. */
  secret?: string;
}

/** Keys that `assertObjectKey` must refuse: escapes, absolute paths, empty segments, backslashes, NUL. */
const unsafeKeys = ['../x', '/abs', 'a//b', 'a/./b', 'a/../b', 'a\\b', '', 'a\0b', 'a/', '..'];

/** Unsorted keys whose byte order trips naive sorting: `-` and `.` sort before `/`, `0` after it. */
const orderingKeys = [
  'tricky/ab',
  'tricky/a/b0',
  'tricky/a-c',
  'tricky/a/b/c',
  'tricky/a/b-x',
  'tricky/a.txt',
];

/**
 * The shared test suite of the {@link ObjectStore} port: every adapter runs it (with a fresh store per
 * test) so the rules in the port's doc comment hold for all of them.
 */
export function describeObjectStoreContract(
  name: string,
  setup: () => Promise<ObjectStoreContractSubject>,
): void {
  const test = it.extend<ContractFixtures>({
    // biome-ignore lint/correctness/noEmptyPattern: Vitest reads a fixture's dependencies from this pattern.
    subject: async ({}, use) => {
      const subject = await setup();
      await use(subject);
      await subject.cleanup();
    },
    store: async ({ subject }, use) => {
      await use(subject.store);
    },
  });
  describe(`ObjectStore contract: ${name}`, () => {
    describePutAndGet(test);
    describeFailingSources(test);
    describeMissingObjects(test);
    describeUnsafeKeys(test);
    describeList(test);
    describeCopy(test);
    describeDelete(test);
    describeMovePrefix(test);
    describeLocation(test);
  });
}

/** What every contract test receives. */
interface ContractFixtures {
  subject: ObjectStoreContractSubject;
  store: ObjectStore;
}

/** `it`, with a fresh store per test. */
type ContractTest = TestAPI<ContractFixtures>;

function describePutAndGet(test: ContractTest): void {
  describe('put and get', () => {
    test('round-trips text and returns its size in UTF-8 bytes', async ({ store }) => {
      const text = 'héllo wörld ✓\nsecond line';
      await expect(store.put('docs/hello.txt', text, { contentType: 'text/plain' })).resolves.toEqual({
        size: encode(text).byteLength,
      });
      expect(await readText(store, 'docs/hello.txt')).toBe(text);
      expect(await store.head('docs/hello.txt')).toEqual({
        key: 'docs/hello.txt',
        size: encode(text).byteLength,
      });
    });

    test('round-trips a Uint8Array holding every byte value', async ({ store }) => {
      const bytes = Uint8Array.from({ length: 1024 }, (_, index) => index % 256);
      await expect(store.put('bin/all-bytes', bytes)).resolves.toEqual({ size: 1024 });
      expect(await readBytes(await store.get('bin/all-bytes'))).toEqual(bytes);
    });

    test('stores empty bodies of every kind as empty objects', async ({ store }) => {
      await expect(store.put('empty/text', '')).resolves.toEqual({ size: 0 });
      await expect(store.put('empty/bytes', new Uint8Array(0))).resolves.toEqual({ size: 0 });
      await expect(store.put('empty/stream', generatedBytes({ totalBytes: 0 }))).resolves.toEqual({
        size: 0,
      });
      for (const key of ['empty/text', 'empty/bytes', 'empty/stream']) {
        expect(await store.head(key)).toEqual({ key, size: 0 });
        expect((await readBytes(await store.get(key))).byteLength).toBe(0);
      }
    });

    test('streams a multi-megabyte body of many odd-sized chunks and reads it back intact', async ({
      store,
    }) => {
      const totalBytes = 6_500_000;
      const source = generatedBytes({ totalBytes, chunkBytes: 65_521, seed: 7 });
      await expect(store.put('big/stream.bin', source)).resolves.toEqual({ size: totalBytes });
      expect(await store.head('big/stream.bin')).toEqual({ key: 'big/stream.bin', size: totalBytes });
      const expected = await fingerprint(generatedBytes({ totalBytes, chunkBytes: 100_000, seed: 7 }));
      expect(await fingerprint(await store.get('big/stream.bin'))).toEqual(expected);
    });

    test('replaces an existing object completely, also with a shorter body', async ({ store }) => {
      await store.put('notes/overwrite.txt', 'a much longer first version');
      await expect(store.put('notes/overwrite.txt', 'short')).resolves.toEqual({ size: 5 });
      expect(await readText(store, 'notes/overwrite.txt')).toBe('short');
      expect(await store.head('notes/overwrite.txt')).toEqual({ key: 'notes/overwrite.txt', size: 5 });
    });

    test('leaves one whole body, never a mix, when two puts of the same key race', async ({ store }) => {
      const size = 1_000_000;
      await Promise.all([
        store.put('race/object', new Uint8Array(size).fill(1)),
        store.put('race/object', generatedBytes({ totalBytes: size, chunkBytes: 10_000, fill: 2 })),
      ]);
      const stored = await readBytes(await store.get('race/object'));
      expect(stored.byteLength).toBe(size);
      expect(stored.every((byte) => byte === stored[0])).toBe(true);
    });
  });
}

function describeFailingSources(test: ContractTest): void {
  describe('a failing source stream', () => {
    test.for([
      ['a small body', 300_000],
      ['a body past the multipart threshold', 12_000_000],
    ] as const)(
      'rejects with the source error and leaves no object for %s',
      async ([, failAfterBytes], { store }) => {
        const source = generatedBytes({ totalBytes: failAfterBytes + 1_000_000, failAfterBytes });
        await expect(store.put('broken/object.bin', source)).rejects.toThrow('source stream broke');
        expect(await store.head('broken/object.bin')).toBeUndefined();
        await expect(store.get('broken/object.bin')).rejects.toBeInstanceOf(NotFoundError);
        expect(await listKeys(store, '')).toEqual([]);
      },
    );

    test('keeps the previous object untouched', async ({ store }) => {
      await store.put('broken/kept.txt', 'previous version');
      const source = generatedBytes({ totalBytes: 2_000_000, failAfterBytes: 500_000 });
      await expect(store.put('broken/kept.txt', source)).rejects.toThrow('source stream broke');
      expect(await readText(store, 'broken/kept.txt')).toBe('previous version');
      expect(await listKeys(store, '')).toEqual(['broken/kept.txt']);
    });
  });
}

function describeMissingObjects(test: ContractTest): void {
  describe('missing objects', () => {
    test('get rejects with NotFoundError and head resolves undefined', async ({ store }) => {
      await expect(store.get('missing/object.txt')).rejects.toBeInstanceOf(NotFoundError);
      expect(await store.head('missing/object.txt')).toBeUndefined();
    });

    test('treats a prefix of other objects, and a path below an object, as missing', async ({ store }) => {
      await store.put('folder/inner/file.txt', 'inside');
      await store.put('plain', 'a leaf');
      for (const key of ['folder', 'folder/inner', 'plain/below']) {
        await expect(store.get(key)).rejects.toBeInstanceOf(NotFoundError);
        expect(await store.head(key)).toBeUndefined();
        await expect(store.delete(key)).resolves.toBeUndefined();
        await expect(store.copy(key, 'copies/x')).rejects.toBeInstanceOf(NotFoundError);
      }
      expect(await listKeys(store, '')).toEqual(['folder/inner/file.txt', 'plain']);
    });

    test('lets a key be reused as an object once everything below it was deleted', async ({ store }) => {
      await store.put('reuse/a/b/c', 'deep');
      await store.delete('reuse/a/b/c');
      await store.put('reuse/a', 'now a leaf');
      expect(await readText(store, 'reuse/a')).toBe('now a leaf');
      await store.delete('reuse/a');
      await store.put('reuse/a/b/c', 'deep again');
      expect(await listKeys(store, 'reuse/')).toEqual(['reuse/a/b/c']);
    });
  });
}

function describeUnsafeKeys(test: ContractTest): void {
  describe('unsafe keys', () => {
    test.for(unsafeKeys.map((key) => [JSON.stringify(key), key] as const))(
      'refuses %s in every operation and touches nothing',
      async ([, key], { store }) => {
        await store.put('safe/existing.txt', 'kept');
        await expect(store.put(key, 'x')).rejects.toBeInstanceOf(UnsafeInputError);
        await expect(store.put(key, generatedBytes({ totalBytes: 10 }))).rejects.toBeInstanceOf(
          UnsafeInputError,
        );
        await expect(store.get(key)).rejects.toBeInstanceOf(UnsafeInputError);
        await expect(store.head(key)).rejects.toBeInstanceOf(UnsafeInputError);
        await expect(store.delete(key)).rejects.toBeInstanceOf(UnsafeInputError);
        await expect(store.copy('safe/existing.txt', key)).rejects.toBeInstanceOf(UnsafeInputError);
        await expect(store.copy(key, 'safe/copy.txt')).rejects.toBeInstanceOf(UnsafeInputError);
        expect(await listKeys(store, '')).toEqual(['safe/existing.txt']);
        expect(await readText(store, 'safe/existing.txt')).toBe('kept');
      },
    );

    test.for(['x', '../', '/x/', 'a//', './', 'a\\b/'])(
      'refuses the prefix %j in prefix operations',
      async (prefix, { store }) => {
        await store.put('safe/existing.txt', 'kept');
        await expect(listKeys(store, prefix)).rejects.toBeInstanceOf(UnsafeInputError);
        await expect(store.deletePrefix(prefix)).rejects.toBeInstanceOf(UnsafeInputError);
        await expect(store.movePrefix(prefix, 'target/')).rejects.toBeInstanceOf(UnsafeInputError);
        await expect(store.movePrefix('safe/', prefix)).rejects.toBeInstanceOf(UnsafeInputError);
        expect(await listKeys(store, '')).toEqual(['safe/existing.txt']);
      },
    );
  });
}

function describeList(test: ContractTest): void {
  describe('list', () => {
    test('yields every object under a prefix, recursively, in ascending key order, with sizes', async ({
      store,
    }) => {
      for (const key of orderingKeys) await store.put(key, key);
      await store.put('other/file', 'not under tricky/');
      const listed = await listAll(store, 'tricky/');
      expect(listed.map((object) => object.key)).toEqual([...orderingKeys].sort(compareKeys));
      for (const object of listed) expect(object.size).toBe(encode(object.key).byteLength);
      expect(await listKeys(store, 'tricky/a/')).toEqual(['tricky/a/b-x', 'tricky/a/b/c', 'tricky/a/b0']);
    });

    test('lists the whole store for the empty prefix', async ({ store }) => {
      const keys = ['z/last', 'a/first', 'm/middle/deep/file'];
      for (const key of keys) await store.put(key, 'x');
      expect(await listKeys(store, '')).toEqual([...keys].sort(compareKeys));
    });

    test('never yields objects of a sibling prefix that shares the same start', async ({ store }) => {
      await store.put('cur/a.txt', '1');
      await store.put('current/b.txt', '2');
      await store.put('cur.txt', 'a leaf named like the prefix');
      await store.put('cur-old/c.txt', '3');
      expect(await listKeys(store, 'cur/')).toEqual(['cur/a.txt']);
      expect(await listKeys(store, 'current/')).toEqual(['current/b.txt']);
    });

    test('yields nothing for a prefix with no objects, also one below an object', async ({ store }) => {
      await store.put('leaf', 'x');
      expect(await listKeys(store, 'nothing/here/')).toEqual([]);
      expect(await listKeys(store, 'leaf/')).toEqual([]);
    });

    test('keeps keys with spaces and non-ASCII characters exact', async ({ store }) => {
      const keys = ['names/read me.md', 'names/naïve/文字.txt', 'names/plus+sign&more=1'];
      for (const key of keys) await store.put(key, key);
      expect(await listKeys(store, 'names/')).toEqual([...keys].sort(compareKeys));
      for (const key of keys) expect(await readText(store, key)).toBe(key);
    });
  });
}

function describeCopy(test: ContractTest): void {
  describe('copy', () => {
    test('copies bytes to a new key, keeps the source, and replaces an existing target', async ({
      store,
    }) => {
      await store.put('source/read me é.md', 'original');
      await store.put('copies/naïve 文字.md', 'old target');
      await store.copy('source/read me é.md', 'copies/naïve 文字.md');
      expect(await readText(store, 'copies/naïve 文字.md')).toBe('original');
      expect(await readText(store, 'source/read me é.md')).toBe('original');
      expect(await listKeys(store, '')).toEqual(['copies/naïve 文字.md', 'source/read me é.md']);
    });

    test('rejects with NotFoundError for a missing source and creates nothing', async ({ store }) => {
      await expect(store.copy('missing/source.txt', 'copies/target.txt')).rejects.toBeInstanceOf(
        NotFoundError,
      );
      expect(await store.head('copies/target.txt')).toBeUndefined();
      expect(await listKeys(store, '')).toEqual([]);
    });
  });
}

function describeDelete(test: ContractTest): void {
  describe('delete', () => {
    test('removes one object and is idempotent', async ({ store }) => {
      await store.put('trash/a.txt', 'a');
      await store.put('trash/b.txt', 'b');
      await store.delete('trash/a.txt');
      await expect(store.delete('trash/a.txt')).resolves.toBeUndefined();
      await expect(store.delete('never/existed.txt')).resolves.toBeUndefined();
      expect(await store.head('trash/a.txt')).toBeUndefined();
      expect(await listKeys(store, '')).toEqual(['trash/b.txt']);
    });

    test('deletePrefix removes everything under the prefix, returns the count, and spares siblings', async ({
      store,
    }) => {
      const keys = ['cur/a', 'cur/b/c', 'cur/b/d/e', 'current/f', 'cur-x/g', 'cur.txt'];
      for (const key of keys) await store.put(key, key);
      await expect(store.deletePrefix('cur/')).resolves.toBe(3);
      expect(await listKeys(store, '')).toEqual(['cur-x/g', 'cur.txt', 'current/f']);
      await expect(store.deletePrefix('cur/')).resolves.toBe(0);
      await expect(store.deletePrefix('never/')).resolves.toBe(0);
    });

    test('deletePrefix refuses the empty prefix and removes nothing', async ({ store }) => {
      await store.put('keep/me.txt', 'x');
      await expect(store.deletePrefix('')).rejects.toBeInstanceOf(UnsafeInputError);
      expect(await listKeys(store, '')).toEqual(['keep/me.txt']);
    });
  });
}

function describeMovePrefix(test: ContractTest): void {
  describe('movePrefix', () => {
    test('moves every object with its bytes and leaves the source empty', async ({ store }) => {
      const relative = ['a.txt', 'dir/b.txt', 'dir/deep/c d.txt', 'ü.txt'];
      for (const name of relative) await store.put(`staging/${name}`, `content of ${name}`);
      await store.put('staging-old/untouched.txt', 'sibling');
      await store.movePrefix('staging/', 'current/v1/');
      expect(await listKeys(store, 'current/v1/')).toEqual(
        relative.map((name) => `current/v1/${name}`).sort(compareKeys),
      );
      for (const name of relative)
        expect(await readText(store, `current/v1/${name}`)).toBe(`content of ${name}`);
      expect(await listKeys(store, 'staging/')).toEqual([]);
      expect(await listKeys(store, 'staging-old/')).toEqual(['staging-old/untouched.txt']);
    });

    test('replaces an existing target prefix completely', async ({ store }) => {
      await store.put('next/same.txt', 'new');
      await store.put('next/only-new.txt', 'new');
      await store.put('live/same.txt', 'old');
      await store.put('live/only-old/deep.txt', 'old');
      await store.put('live-sibling/kept.txt', 'kept');
      await store.movePrefix('next/', 'live/');
      expect(await listKeys(store, 'live/')).toEqual(['live/only-new.txt', 'live/same.txt']);
      expect(await readText(store, 'live/same.txt')).toBe('new');
      expect(await listKeys(store, '')).toEqual([
        'live-sibling/kept.txt',
        'live/only-new.txt',
        'live/same.txt',
      ]);
    });

    test('does nothing when the source is empty, even if objects there were deleted', async ({ store }) => {
      await store.put('target/kept.txt', 'kept');
      await store.movePrefix('empty/', 'target/');
      await store.put('emptied/gone.txt', 'x');
      await store.delete('emptied/gone.txt');
      await store.movePrefix('emptied/', 'target/');
      expect(await listKeys(store, '')).toEqual(['target/kept.txt']);
    });

    test.for([
      ['the same prefix', 'area/', 'area/'],
      ['a target inside the source', 'area/', 'area/inner/'],
      ['a source inside the target', 'area/inner/', 'area/'],
      ['the empty source', '', 'area/'],
      ['the empty target', 'area/', ''],
    ] as const)('refuses %s and changes nothing', async ([, from, to], { store }) => {
      await store.put('area/inner/file.txt', 'x');
      await store.put('area/top.txt', 'y');
      await expect(store.movePrefix(from, to)).rejects.toBeInstanceOf(UnsafeInputError);
      expect(await listKeys(store, '')).toEqual(['area/inner/file.txt', 'area/top.txt']);
    });
  });
}

function describeLocation(test: ContractTest): void {
  describe('location and urlOf', () => {
    test('are URL strings without credentials, and urlOf starts with location', async ({
      store,
      subject,
    }) => {
      expect(store.location).toMatch(/^[a-z][a-z0-9+.-]*:\/\/[^@]*\/$/);
      const url = store.urlOf('docs/read me.md');
      expect(url.startsWith(store.location)).toBe(true);
      expect(url.length).toBeGreaterThan(store.location.length);
      expect(() => store.urlOf('../escape')).toThrow(UnsafeInputError);
      const missing = await store.get('missing/key').catch((error: unknown) => error);
      expect(missing).toBeInstanceOf(NotFoundError);
      if (subject.secret !== undefined) {
        for (const text of [store.location, url, String(missing), (missing as NotFoundError).hint ?? '']) {
          expect(text).not.toContain(subject.secret);
        }
      }
    });
  });
}

/** Options of {@link generatedBytes}. */
interface GeneratedBytesOptions {
  totalBytes: number;
  chunkBytes?: number;
  /** Seeds the pseudo-random content, so the same options always give the same bytes. */
  seed?: number;
  /** Every byte has this value instead of pseudo-random content. */
  fill?: number;
  /** Throw after this many bytes, as a broken download would. */
  failAfterBytes?: number;
}

/** A deterministic stream of pseudo-random bytes, produced chunk by chunk so nothing is held whole. */
async function* generatedBytes(options: GeneratedBytesOptions): AsyncGenerator<Uint8Array> {
  const chunkBytes = options.chunkBytes ?? 64 * 1024;
  let state = options.seed ?? 1;
  let produced = 0;
  while (produced < options.totalBytes) {
    if (options.failAfterBytes !== undefined && produced >= options.failAfterBytes) {
      throw new Error('source stream broke');
    }
    const chunk = new Uint8Array(Math.min(chunkBytes, options.totalBytes - produced));
    if (options.fill !== undefined) chunk.fill(options.fill);
    else {
      for (let index = 0; index < chunk.length; index += 1) {
        // xorshift32: cheap, and a shifted or reordered chunk changes the fingerprint.
        state ^= state << 13;
        state ^= state >>> 17;
        state ^= state << 5;
        chunk[index] = state & 0xff;
      }
    }
    produced += chunk.length;
    yield chunk;
  }
}

/** Size and FNV-1a hash of a stream, computed as it flows. */
async function fingerprint(source: AsyncIterable<Uint8Array>): Promise<{ size: number; hash: number }> {
  let hash = 0x811c9dc5;
  let size = 0;
  for await (const chunk of source) {
    for (const byte of chunk) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
    size += chunk.byteLength;
  }
  return { size, hash };
}

async function readBytes(source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of source) chunks.push(chunk);
  const bytes = new Uint8Array(chunks.reduce((total, chunk) => total + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

async function readText(store: ObjectStore, key: string): Promise<string> {
  return new TextDecoder().decode(await readBytes(await store.get(key)));
}

async function listAll(store: ObjectStore, prefix: string): Promise<ObjectInfo[]> {
  const objects: ObjectInfo[] = [];
  for await (const object of store.list(prefix)) objects.push(object);
  return objects;
}

async function listKeys(store: ObjectStore, prefix: string): Promise<string[]> {
  return (await listAll(store, prefix)).map((object) => object.key);
}

function encode(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Byte order of the UTF-8 encodings, which is the order S3 lists in. */
function compareKeys(left: string, right: string): number {
  const leftBytes = encode(left);
  const rightBytes = encode(right);
  for (let index = 0; index < Math.min(leftBytes.length, rightBytes.length); index += 1) {
    const difference = (leftBytes[index] ?? 0) - (rightBytes[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return leftBytes.length - rightBytes.length;
}
