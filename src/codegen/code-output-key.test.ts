import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLocalObjectStore } from '../adapters/fs/local-object-store.ts';
import type { ObjectStore } from '../core/ports/object-store.ts';
import { codeOutputKey, findFreeCodeOutputKey, sidecarKeyOf, slugOf } from './code-output-key.ts';

const createdAt = new Date('2025-03-04T23:06:07.890Z');

describe('codeOutputKey', () => {
  it('builds code_output/<day>/<HHmmss>-<slug>.<ext> in UTC', () => {
    expect(codeOutputKey(createdAt, 'Parse a CSV file!', 'py')).toBe(
      'code_output/2025-03-04/230607-parse-a-csv-file.py',
    );
  });

  it('numbers later attempts before the extension', () => {
    expect(codeOutputKey(createdAt, 'x', 'go', 2)).toBe('code_output/2025-03-04/230607-x-2.go');
  });

  it('names the sidecar after the code key', () => {
    expect(sidecarKeyOf('code_output/2025-03-04/230607-x.go')).toBe(
      'code_output/2025-03-04/230607-x.go.json',
    );
  });
});

describe('slugOf', () => {
  it.each([
    ['Créer une API REST en Élixir', 'creer-une-api-rest-en-elixir'],
    ['  --Hello,   World!!--  ', 'hello-world'],
    ['S3 upload (multipart) v2', 's3-upload-multipart-v2'],
    ['写一个函数', 'code'],
    ['!!!', 'code'],
    ['', 'code'],
  ])('%j → %j', (message, slug) => {
    expect(slugOf(message)).toBe(slug);
  });

  it('cuts long messages at a word boundary within 48 characters', () => {
    const slug = slugOf(
      'Write a function that downloads every release asset from a GitHub repository and verifies it',
    );
    expect(slug).toBe('write-a-function-that-downloads-every-release');
    expect(slug.length).toBeLessThanOrEqual(48);
  });

  it('keeps a word that ends exactly at the limit and hard-cuts one endless word', () => {
    expect(slugOf(`${'a'.repeat(48)} more`)).toBe('a'.repeat(48));
    expect(slugOf(`${'a'.repeat(47)} bc`)).toBe('a'.repeat(47));
    expect(slugOf('x'.repeat(100))).toBe('x'.repeat(48));
  });
});

describe('findFreeCodeOutputKey', () => {
  let root: string;
  let store: ObjectStore;
  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'quarry-code-key-'));
    store = createLocalObjectStore({ root });
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('returns the plain key when it is free', async () => {
    expect(await findFreeCodeOutputKey(store, createdAt, 'hello', 'py')).toBe(
      'code_output/2025-03-04/230607-hello.py',
    );
  });

  it('skips keys whose code or sidecar exists', async () => {
    await store.put('code_output/2025-03-04/230607-hello.py', 'x');
    await store.put('code_output/2025-03-04/230607-hello-2.py.json', '{}');
    expect(await findFreeCodeOutputKey(store, createdAt, 'hello', 'py')).toBe(
      'code_output/2025-03-04/230607-hello-3.py',
    );
  });
});
