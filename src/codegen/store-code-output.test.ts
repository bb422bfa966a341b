import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalObjectStore } from '../adapters/fs/local-object-store.ts';
import type { ObjectStore } from '../core/ports/object-store.ts';
import { failingSidecarStore, listKeys, readText } from './codegen.test-support.ts';
import { storeCodeOutput } from './store-code-output.ts';

const output = {
  code: 'print("hi")\n',
  extension: 'py',
  createdAt: new Date('2025-03-04T05:06:07Z'),
  metadata: {
    language: 'python',
    message: 'say hi',
    model: 'mock',
    sources: [],
    createdAt: '2025-03-04T05:06:07.000Z',
    usage: { outputTokens: 3 },
  },
};

describe('storeCodeOutput', () => {
  let root: string;
  let store: ObjectStore;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'quarry-code-store-'));
    store = createLocalObjectStore({ root });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('stores the code and a sidecar that names it', async () => {
    const stored = await storeCodeOutput(store, output);
    expect(stored).toEqual({
      key: 'code_output/2025-03-04/050607-say-hi.py',
      sidecarKey: 'code_output/2025-03-04/050607-say-hi.py.json',
    });
    expect(await readText(store, stored.key)).toBe('print("hi")\n');
    expect(JSON.parse(await readText(store, stored.sidecarKey))).toEqual({
      key: stored.key,
      ...output.metadata,
    });
  });

  it('deletes the code again and rethrows when the sidecar cannot be written', async () => {
    await expect(storeCodeOutput(failingSidecarStore(store), output)).rejects.toThrow('disk full');
    expect(await listKeys(store)).toEqual([]);
  });

  it('rethrows the sidecar error even when the clean-up fails too', async () => {
    const failing = failingSidecarStore(store, { deleteFails: true });
    await expect(storeCodeOutput(failing, output)).rejects.toThrow('disk full');
  });
});

describe('storeCodeOutput under concurrency', () => {
  it('gives every one of many simultaneous identical requests its own key (none overwritten)', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'quarry-code-race-'));
    const store = createLocalObjectStore({ root });
    const createdAt = new Date('2025-03-04T05:06:07Z');
    const outputs = Array.from({ length: 20 }, (_, index) => ({
      code: `print(${index})\n`,
      extension: 'py',
      createdAt,
      metadata: output.metadata,
    }));
    const stored = await Promise.all(outputs.map((output) => storeCodeOutput(store, output)));
    expect(new Set(stored.map((entry) => entry.key)).size).toBe(20);
    for (const [index, entry] of stored.entries()) {
      expect(await readText(store, entry.key)).toBe(`print(${index})\n`);
    }
    await rm(root, { recursive: true, force: true });
  });
});
