import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteSearchIndex } from '../adapters/sqlite/sqlite-search-index.ts';
import { NotFoundError, UpstreamError } from '../core/errors/index.ts';
import type { SearchIndex } from '../core/ports/search-index.ts';
import type { Embedder } from './embedder.ts';
import { type IndexFilesOptions, indexFiles } from './index-files.ts';
import type { SourceFile } from './source-file.ts';
import { fillMissingVectors } from './vector-space-for.ts';

let folder: string;
let index: SearchIndex;

beforeEach(() => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'quarry-index-files-'));
  index = createSqliteSearchIndex({ path: path.join(folder, 'index.sqlite') });
});
afterEach(async () => {
  await index.close();
  fs.rmSync(folder, { recursive: true, force: true });
});

function filesOf(entries: Record<string, string | Uint8Array>): SourceFile[] {
  return Object.entries(entries).map(([filePath, body]) => {
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    return { path: filePath, size: bytes.byteLength, read: async () => bytes };
  });
}

async function* streamOf(files: SourceFile[]): AsyncIterable<SourceFile> {
  yield* files;
}

/** Counts what it embeds; vectors point along a hash of the text's first word. */
function countingEmbedder(spaceKey = 'test:words', dimensions = 8): Embedder & { embedded: string[] } {
  const embedded: string[] = [];
  return {
    spaceKey,
    embedded,
    embed: async (texts) => {
      embedded.push(...texts);
      return texts.map((text) => {
        const vector = new Float32Array(dimensions);
        vector[(text.charCodeAt(0) || 0) % dimensions] = 1;
        return vector;
      });
    },
  };
}

function run(files: SourceFile[], overrides: Partial<IndexFilesOptions> = {}) {
  return indexFiles({
    index,
    files: streamOf(files),
    scope: { source: 'github:acme/widgets', repo: 'acme/widgets', version: 'v1' },
    maxFileBytes: 10_000,
    chunkCharacters: 500,
    keepArchivedVersions: false,
    ...overrides,
  });
}

const release = {
  'README.md': '# Widgets\n\nWidgets are configurable gadgets.\n\n## Install\n\nRun the installer.\n',
  'src/retry.ts': 'export function retryWithBackoff(attempts: number) {\n  return attempts * 2;\n}\n',
  'src/old.ts': 'export const legacyFlag = true;\n',
};

describe('indexFiles', () => {
  it('indexes new files, then leaves unchanged ones alone and applies changes and removals', async () => {
    const first = await run(filesOf(release));
    expect(first).toMatchObject({ indexed: 3, unchanged: 0, removed: 0, interrupted: false });
    const again = await run(filesOf(release));
    expect(again).toMatchObject({ indexed: 0, unchanged: 3, removed: 0 });

    const { 'src/old.ts': _removed, ...rest } = release;
    const changed = await run(filesOf({ ...rest, 'src/retry.ts': 'export const attempts = 5;\n' }));
    expect(changed).toMatchObject({ indexed: 1, unchanged: 1, removed: 1 });
    const documents = await index.listDocuments({ source: 'github:acme/widgets' });
    expect(documents.map((document) => document.path)).toEqual(['README.md', 'src/retry.ts']);
    const hits = await index.search({ text: 'attempts', mode: 'keyword', limit: 5, filters: {} });
    expect(hits.map((hit) => hit.text)).toEqual(['export const attempts = 5;']);
  });

  it('moves a new release over the old one, re-embedding only what changed', async () => {
    const embedder = countingEmbedder();
    await index.ensureVectorSpace({ key: embedder.spaceKey, dimensions: 8, model: {} });
    await run(filesOf(release), { embedder });
    const embeddedFirst = embedder.embedded.length;
    const { 'src/old.ts': _removed, ...rest } = release;
    const report = await run(filesOf({ ...rest, 'src/new.ts': 'export const fresh = 1;\n' }), {
      embedder,
      scope: { source: 'github:acme/widgets', repo: 'acme/widgets', version: 'v2' },
    });
    expect(report).toMatchObject({ indexed: 1, unchanged: 2, removed: 1 });
    expect(embedder.embedded.slice(embeddedFirst)).toEqual(['export const fresh = 1;']);
    const documents = await index.listDocuments({ source: 'github:acme/widgets' });
    expect(documents.map((document) => `${document.path}@${document.version}`)).toEqual([
      'README.md@v2',
      'src/new.ts@v2',
      'src/retry.ts@v2',
    ]);
    expect(await index.chunksWithoutVectors(embedder.spaceKey, 10)).toEqual([]);
  });

  it('keeps archived versions searchable when asked to', async () => {
    await run(filesOf(release));
    await run(filesOf({ ...release, 'src/retry.ts': 'export const attempts = 5;\n' }), {
      keepArchivedVersions: true,
      scope: { source: 'github:acme/widgets', repo: 'acme/widgets', version: 'v2' },
    });
    const current = await index.search({ text: 'retryWithBackoff', mode: 'keyword', limit: 5, filters: {} });
    expect(current).toEqual([]);
    const archived = await index.search({
      text: 'retryWithBackoff',
      mode: 'keyword',
      limit: 5,
      filters: { versions: ['v1'] },
    });
    expect(archived.map((hit) => `${hit.path}@${hit.version}`)).toEqual(['src/retry.ts@v1']);
    const readme = await index.search({ text: 'installer', mode: 'keyword', limit: 5, filters: {} });
    expect(readme.map((hit) => hit.version)).toEqual(['v2']);
  });

  it('skips and reports binary, generated, minified, huge and vanished files, and indexes the rest', async () => {
    const binary = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1, 2, 3]);
    const minified = `var a=${'1+'.repeat(3000)}1;`;
    const invalidUtf8 = new Uint8Array([...new TextEncoder().encode('caf'), 0xe9, 0x20, 0x6f, 0x6b, 0x0a]);
    const vanished: SourceFile = {
      path: 'src/gone.ts',
      size: 10,
      read: async () => {
        throw new NotFoundError('No object at src/gone.ts.');
      },
    };
    const files = [
      ...filesOf({
        'src/ok.ts': 'export const fine = true;\n',
        'logo.png': binary,
        'dist/app.min.js': 'var x=1;',
        'src/bundle.js': minified,
        'notes.txt': invalidUtf8,
        'package-lock.json': '{}',
      }),
      vanished,
      { path: 'huge.txt', size: 20_000, read: async () => new Uint8Array(20_000) },
    ];
    const report = await run(files);
    expect(report.indexed).toBe(2);
    expect(report.skipped).toEqual({ binary: 1, generated: 2, minified: 1, vanished: 1, 'too-large': 1 });
    expect(report.invalidUtf8Files).toBe(1);
    expect(report.warnings.join('\n')).toMatch(/huge\.txt.*maxFileBytes/);
    expect(report.warnings.join('\n')).toMatch(/notes\.txt: 1 bytes were not valid UTF-8/);
    const hits = await index.search({ text: 'caf', mode: 'keyword', limit: 5, filters: {} });
    expect(hits.map((hit) => hit.path)).toEqual(['notes.txt']);
  });

  it('writes documents without vectors when the embedding model fails, and fills them in later', async () => {
    const embedder = countingEmbedder();
    await index.ensureVectorSpace({ key: embedder.spaceKey, dimensions: 8, model: {} });
    const failing: Embedder = {
      spaceKey: embedder.spaceKey,
      embed: async () => {
        throw new UpstreamError('The embedding endpoint answered 503.');
      },
    };
    const report = await run(filesOf(release), { embedder: failing });
    expect(report.indexed).toBe(3);
    expect(report.vectorsPending).toBeGreaterThan(0);
    expect(report.warnings.filter((line) => line.startsWith('embedding:'))).toHaveLength(1);
    expect((await index.search({ text: 'installer', mode: 'keyword', limit: 1, filters: {} })).length).toBe(
      1,
    );
    const filled = await fillMissingVectors(index, embedder, { batchSize: 2 });
    expect(filled).toBe(report.vectorsPending);
    expect(await index.chunksWithoutVectors(embedder.spaceKey, 10)).toEqual([]);
  });

  it('stops between files when aborted and leaves removals to the next run', async () => {
    await run(filesOf(release));
    const controller = new AbortController();
    const stopped = await run(filesOf({ 'README.md': release['README.md'], 'a.md': 'alpha' }), {
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    // Files already in flight may finish; nothing is removed, since the walk was cut short.
    expect(stopped).toMatchObject({ interrupted: true, removed: 0 });
    expect((await index.listDocuments({ source: 'github:acme/widgets' })).length).toBeGreaterThanOrEqual(3);
    const completed = await run(filesOf({ 'README.md': release['README.md'], 'a.md': 'alpha' }));
    expect(completed).toMatchObject({ interrupted: false, removed: 2 });
    expect(completed.unchanged + completed.indexed).toBe(2);
    expect(
      (await index.listDocuments({ source: 'github:acme/widgets' })).map((document) => document.path),
    ).toEqual(['README.md', 'a.md']);
  });

  it('records a completed run, and not an interrupted one', async () => {
    await run(filesOf(release));
    const completed = async () => (await index.stats()).sources.map((source) => source.completedVersion);
    expect(await completed()).toEqual(['v1']);
    const controller = new AbortController();
    controller.abort();
    await run(filesOf(release), {
      signal: controller.signal,
      scope: { source: 'github:acme/widgets', repo: 'acme/widgets', version: 'v2' },
    });
    expect(await completed()).toEqual(['v1']);
  });

  it('switches to a new embedding model only once every chunk has a vector in it', async () => {
    const oldModel = countingEmbedder('test:old', 8);
    await index.ensureVectorSpace({ key: oldModel.spaceKey, dimensions: 8, model: {} });
    await run(filesOf(release), { embedder: oldModel });
    const newModel = countingEmbedder('test:new', 4);
    await index.ensureVectorSpace({ key: newModel.spaceKey, dimensions: 4, model: {} });
    const spaces = async () => (await index.listVectorSpaces()).map((space) => `${space.key}:${space.state}`);
    expect(await spaces()).toEqual(['test:old:active', 'test:new:building']);
    const oldQuery = new Float32Array(8);
    oldQuery[0] = 1;
    const during = await index.search({
      text: 'x',
      mode: 'vector',
      limit: 1,
      filters: {},
      queryVector: oldQuery,
    });
    expect(during).toHaveLength(1);
    await fillMissingVectors(index, newModel, { batchSize: 1 });
    expect(await spaces()).toEqual(['test:new:active']);
  });
});
