import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors/index.ts';
import { describeObjectStoreContract } from '../../core/ports/object-store.contract.ts';
import type { ObjectStore } from '../../core/ports/object-store.ts';
import { createLocalObjectStore } from './local-object-store.ts';

describeObjectStoreContract('local folder', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'quarry-local-store-'));
  return {
    store: createLocalObjectStore({ root: path.join(root, 'objects') }),
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});

describe('createLocalObjectStore', () => {
  let root: string;
  let store: ObjectStore;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'quarry-local-store-'));
    store = createLocalObjectStore({ root });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it.each(['relative/objects', './objects', ''])('refuses the relative root %j with a hint', (relative) => {
    const error = catchError(() => createLocalObjectStore({ root: relative }));
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).hint).toMatch(/absolute/);
  });

  it('leaves no temporary file behind after a failed put', async () => {
    await store.put('folder/existing.txt', 'kept');
    await expect(store.put('folder/broken.bin', failingSource())).rejects.toThrow('source broke');
    expect(await filesUnder(root)).toEqual(['folder/existing.txt']);
  });

  it('skips temporary files of writes in progress when listing', async () => {
    await store.put('folder/done.txt', 'done');
    let releaseSource = () => {};
    const gate = new Promise<void>((resolve) => {
      releaseSource = resolve;
    });
    const pending = store.put('folder/in-progress.txt', gatedSource(gate));
    await waitFor(async () => (await filesUnder(root)).length === 2);
    expect((await filesUnder(root)).some((file) => file.includes('in-progress.txt~quarry-tmp-'))).toBe(true);
    expect(await keysUnder(store, 'folder/')).toEqual(['folder/done.txt']);
    expect(await store.deletePrefix('other/')).toBe(0);
    releaseSource();
    await pending;
    expect(await keysUnder(store, 'folder/')).toEqual(['folder/done.txt', 'folder/in-progress.txt']);
  });

  it('uses a file URL of the root as its location', () => {
    expect(store.location).toBe(`file://${root}/`);
    expect(store.urlOf('a b/c.txt')).toBe(`file://${root}/a%20b/c.txt`);
  });
});

function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  return undefined;
}

async function* failingSource(): AsyncGenerator<Uint8Array> {
  yield new Uint8Array(100_000);
  yield new Uint8Array(100_000);
  throw new Error('source broke');
}

/** Yields one chunk, then waits for `gate` before the last one, so the write stays in progress. */
async function* gatedSource(gate: Promise<void>): AsyncGenerator<Uint8Array> {
  yield new TextEncoder().encode('first half, ');
  await gate;
  yield new TextEncoder().encode('second half');
}

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)))
    .sort();
}

async function keysUnder(store: ObjectStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of store.list(prefix)) keys.push(object.key);
  return keys;
}

/** Polls `condition` until it holds; the test timeout bounds the wait. */
async function waitFor(condition: () => Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 10));
}
