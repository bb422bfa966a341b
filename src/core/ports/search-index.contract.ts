import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '../errors/index.ts';
import type { ChunkInput, DocumentInput, SearchIndex, SearchRequest } from './search-index.ts';

/** What a contract run needs from an adapter: a fresh, empty index and a way to dispose of it. */
export interface SearchIndexUnderTest {
  index: SearchIndex;
  /** Closes the index and removes whatever backs it. */
  cleanup: () => Promise<void>;
}

type IndexGetter = () => SearchIndex;

/**
 * Registers the Vitest suite that checks every rule of the `SearchIndex` port's contract. Each adapter's
 * test file calls it once; `createIndex` is called before every test and must return an empty index.
 */
export function describeSearchIndexContract(
  name: string,
  createIndex: () => Promise<SearchIndexUnderTest>,
): void {
  describe(`SearchIndex contract: ${name}`, () => {
    const context: { current?: SearchIndexUnderTest } = {};
    const index = (): SearchIndex => {
      if (context.current === undefined) throw new Error('The index under test was not created.');
      return context.current.index;
    };
    beforeEach(async () => {
      context.current = await createIndex();
    });
    afterEach(async () => {
      await context.current?.cleanup();
      delete context.current;
    });

    describeWritingRules(index);
    describeKeywordRules(index);
    describeFilterRules(index);
    describeVersionRules(index);
    describeVectorRules(index);
  });
}

function documentAt(path: string, overrides: Partial<DocumentInput> = {}): DocumentInput {
  return {
    source: 'github:acme/widgets',
    repo: 'acme/widgets',
    version: 'v1.0.0',
    path,
    language: 'typescript',
    contentHash: `hash-of-${path}`,
    byteSize: 100,
    ...overrides,
  };
}

function chunk(text: string, startLine = 1, headingPath: string[] = []): ChunkInput {
  return { text, startLine, endLine: startLine + text.split('\n').length - 1, headingPath };
}

function search(index: SearchIndex, text: string, overrides: Partial<SearchRequest> = {}) {
  return index.search({ text, mode: 'keyword', limit: 10, filters: {}, ...overrides });
}

/** A unit vector pointing mostly along `axis` of `dimensions`. */
function unitVector(dimensions: number, axis: number, lean = 0): Float32Array {
  const vector = new Float32Array(dimensions);
  vector[axis % dimensions] = 1;
  vector[(axis + 1) % dimensions] = lean;
  const length = Math.hypot(...vector);
  return vector.map((value) => value / length);
}

function describeWritingRules(index: IndexGetter): void {
  describe('writing documents', () => {
    it('stores a document with its chunks and finds them with their location', async () => {
      const id = await index().writeDocument(documentAt('src/retry.ts', { url: 'https://x.test/retry' }), [
        chunk('export function retryWithBackoff() {}', 10),
        chunk('export const maximumAttempts = 3;', 20),
      ]);
      const hits = await search(index(), 'backoff');
      expect(hits).toHaveLength(1);
      expect(hits[0]).toMatchObject({
        documentId: id,
        source: 'github:acme/widgets',
        repo: 'acme/widgets',
        version: 'v1.0.0',
        path: 'src/retry.ts',
        language: 'typescript',
        url: 'https://x.test/retry',
        startLine: 10,
        endLine: 10,
        headingPath: [],
        text: 'export function retryWithBackoff() {}',
        keywordRank: 1,
      });
      expect(hits[0]?.score).toBeGreaterThan(0);
    });

    it('replaces the document at the same source, version and path', async () => {
      await index().writeDocument(documentAt('README.md'), [chunk('old words about pelicans')]);
      await index().writeDocument(documentAt('README.md', { contentHash: 'new' }), [
        chunk('fresh words on otters'),
      ]);
      expect(await search(index(), 'pelicans')).toEqual([]);
      expect(await search(index(), 'otters')).toHaveLength(1);
      const documents = await index().listDocuments({ source: 'github:acme/widgets' });
      expect(documents).toMatchObject([
        { path: 'README.md', contentHash: 'new', chunkCount: 1, current: true },
      ]);
    });

    it('writes nothing when part of a document is rejected', async () => {
      await index().ensureVectorSpace({ key: 'test:model', dimensions: 4, model: {} });
      const write = index().writeDocument(documentAt('a.ts'), [chunk('alpha'), chunk('beta')], {
        vectors: { spaceKey: 'test:model', values: [unitVector(4, 0)] },
      });
      await expect(write).rejects.toBeInstanceOf(ValidationError);
      const badDimensions = index().writeDocument(documentAt('a.ts'), [chunk('alpha')], {
        vectors: { spaceKey: 'test:model', values: [unitVector(3, 0)] },
      });
      await expect(badDimensions).rejects.toBeInstanceOf(ValidationError);
      expect(await index().listDocuments({ source: 'github:acme/widgets' })).toEqual([]);
      expect((await index().stats()).chunks).toBe(0);
    });

    it('writes a batch in one step: all of it, or none of it when one entry is rejected', async () => {
      await index().ensureVectorSpace({ key: 'test:model', dimensions: 4, model: {} });
      const ids = await index().writeDocuments([
        { document: documentAt('a.ts'), chunks: [chunk('alpha')] },
        { document: documentAt('b.ts'), chunks: [chunk('beta')] },
      ]);
      expect(ids).toHaveLength(2);
      const rejected = index().writeDocuments([
        { document: documentAt('c.ts'), chunks: [chunk('gamma')] },
        {
          document: documentAt('d.ts'),
          chunks: [chunk('delta')],
          options: { vectors: { spaceKey: 'test:model', values: [unitVector(3, 0)] } },
        },
      ]);
      await expect(rejected).rejects.toBeInstanceOf(ValidationError);
      const paths = (await index().listDocuments({ source: 'github:acme/widgets' })).map(
        (document) => document.path,
      );
      expect(paths).toEqual(['a.ts', 'b.ts']);
    });

    it('deletes documents, and lists them by current state and path prefix', async () => {
      const keep = await index().writeDocument(documentAt('src/a.ts'), [chunk('alpha')]);
      const drop = await index().writeDocument(documentAt('src/b.ts'), [chunk('beta')]);
      const archived = await index().writeDocument(documentAt('docs/c.md'), [chunk('gamma')]);
      await index().archiveDocuments([archived]);
      await index().deleteDocuments([drop]);
      const all = await index().listDocuments({ source: 'github:acme/widgets' });
      expect(all.map((document) => [document.id, document.current])).toEqual([
        [archived, false],
        [keep, true],
      ]);
      const current = await index().listDocuments({ source: 'github:acme/widgets', currentOnly: true });
      expect(current.map((document) => document.path)).toEqual(['src/a.ts']);
      const underDocs = await index().listDocuments({
        source: 'github:acme/widgets',
        pathPrefixes: ['docs/'],
      });
      expect(underDocs.map((document) => document.path)).toEqual(['docs/c.md']);
      expect(await search(index(), 'beta')).toEqual([]);
    });

    it('counts what it holds', async () => {
      await index().writeDocument(documentAt('a.ts'), [chunk('alpha'), chunk('beta')]);
      await index().writeDocument(documentAt('b.md', { source: 'notes', version: '' }), [chunk('gamma')]);
      const stats = await index().stats();
      expect(stats).toMatchObject({ documents: 2, chunks: 3 });
      expect(stats.sizeBytes).toBeGreaterThan(0);
      await index().recordCompletedRun('github:acme/widgets', 'v0.9.0');
      await index().recordCompletedRun('github:acme/widgets', 'v1.0.0');
      expect((await index().stats()).sources).toEqual([
        {
          source: 'github:acme/widgets',
          versions: ['v1.0.0'],
          documents: 1,
          chunks: 2,
          completedVersion: 'v1.0.0',
        },
        { source: 'notes', versions: [''], documents: 1, chunks: 1, completedVersion: null },
      ]);
    });
  });
}

function describeKeywordRules(index: IndexGetter): void {
  describe('keyword search', () => {
    it('ranks the chunk with more and rarer matching words first, and matches word forms', async () => {
      await index().writeDocument(documentAt('a.md', { language: 'markdown' }), [
        chunk('Configure the retry policy for uploads. Retries back off exponentially.', 1, ['Uploads']),
        chunk('Logging settings and log levels.', 5, ['Logging']),
      ]);
      await index().writeDocument(documentAt('b.md', { language: 'markdown' }), [
        chunk('A policy document about naming.'),
      ]);
      const hits = await search(index(), 'retrying policies');
      expect(hits.map((hit) => hit.path)).toEqual(['a.md', 'b.md']);
      expect(hits[0]?.headingPath).toEqual(['Uploads']);
    });

    it('treats engine syntax in queries as words and never throws on it', async () => {
      await index().writeDocument(documentAt('a.ts'), [chunk('retry policy with NEAR and AND operators')]);
      const queries = [
        '"retry',
        'retry*',
        '-retry',
        'NEAR(retry policy)',
        'retry AND (policy',
        'policy OR',
        'text:retry',
        '^retry',
        'retry"policy"',
        "retry's {policy} [x] ~2 +policy",
        'NOT retry',
      ];
      for (const query of queries) {
        const hits = await search(index(), query);
        expect(
          hits.map((hit) => hit.path),
          query,
        ).toEqual(['a.ts']);
      }
    });

    it('rejects a query with no words', async () => {
      for (const query of ['', '   ', '"*"', '()-^']) {
        await expect(search(index(), query)).rejects.toBeInstanceOf(ValidationError);
      }
    });

    it('returns at most the requested number of hits and rejects a bad number', async () => {
      for (let number = 0; number < 15; number += 1) {
        await index().writeDocument(documentAt(`f${number}.ts`), [chunk(`shared word ${number}`)]);
      }
      expect(await search(index(), 'shared', { limit: 7 })).toHaveLength(7);
      await expect(search(index(), 'shared', { limit: 0 })).rejects.toBeInstanceOf(ValidationError);
    });
  });
}

function describeFilterRules(index: IndexGetter): void {
  describe('filters', () => {
    it('applies filters before ranking, so a filtered search still fills its limit', async () => {
      for (let number = 0; number < 30; number += 1) {
        await index().writeDocument(documentAt(`strong/${number}.ts`), [
          chunk('widget widget widget widget'),
        ]);
      }
      for (let number = 0; number < 5; number += 1) {
        await index().writeDocument(
          documentAt(`weak/${number}.ts`, { source: 'github:other/gadgets', repo: 'other/gadgets' }),
          [chunk(`widget appears once among many other words in this longer passage ${number}`)],
        );
      }
      const hits = await search(index(), 'widget', { limit: 5, filters: { repos: ['Other/Gadgets'] } });
      expect(hits).toHaveLength(5);
      expect(new Set(hits.map((hit) => hit.repo))).toEqual(new Set(['other/gadgets']));
    });

    it('filters by source, version, language and path glob', async () => {
      await index().writeDocument(documentAt('src/core/a.ts'), [chunk('needle in typescript')]);
      await index().writeDocument(documentAt('src/b.py', { language: 'python' }), [
        chunk('needle in python'),
      ]);
      await index().writeDocument(documentAt('docs/c.md', { source: 'handbook', version: '' }), [
        chunk('needle in the handbook'),
      ]);
      const paths = async (filters: SearchRequest['filters']) =>
        (await search(index(), 'needle', { filters })).map((hit) => hit.path).sort();
      expect(await paths({ sources: ['handbook'] })).toEqual(['docs/c.md']);
      expect(await paths({ languages: ['Python'] })).toEqual(['src/b.py']);
      expect(await paths({ pathGlob: 'src/**/*.ts' })).toEqual(['src/core/a.ts']);
      expect(await paths({ pathGlob: 'src/**' })).toEqual(['src/b.py', 'src/core/a.ts']);
      expect(await paths({ versions: ['v9'] })).toEqual([]);
      expect(await paths({ versions: ['v1.0.0'], languages: ['typescript', 'python'] })).toEqual([
        'src/b.py',
        'src/core/a.ts',
      ]);
    });
  });
}

function describeVersionRules(index: IndexGetter): void {
  describe('versions', () => {
    it('searches current documents unless archived ones are asked for', async () => {
      const old = await index().writeDocument(documentAt('a.ts', { version: 'v1' }), [
        chunk('release notes'),
      ]);
      await index().writeDocument(documentAt('a.ts', { version: 'v2' }), [chunk('release notes again')], {
        replaces: old,
        keepReplaced: true,
      });
      expect((await search(index(), 'release')).map((hit) => hit.version)).toEqual(['v2']);
      const all = await search(index(), 'release', { filters: { includeArchived: true } });
      expect(all.map((hit) => hit.version).sort()).toEqual(['v1', 'v2']);
      expect(
        (await search(index(), 'release', { filters: { versions: ['v1'] } })).map((hit) => hit.version),
      ).toEqual(['v1']);
    });

    it('deletes the replaced document unless asked to keep it', async () => {
      const old = await index().writeDocument(documentAt('a.ts', { version: 'v1' }), [
        chunk('release notes'),
      ]);
      await index().writeDocument(documentAt('a.ts', { version: 'v2' }), [chunk('release notes again')], {
        replaces: old,
      });
      const documents = await index().listDocuments({ source: 'github:acme/widgets' });
      expect(documents.map((document) => document.version)).toEqual(['v2']);
    });

    it('carries an unchanged document to a new version, moving or copying it', async () => {
      await index().ensureVectorSpace({ key: 'test:model', dimensions: 4, model: {} });
      const moved = await index().writeDocument(documentAt('moved.ts', { version: 'v1' }), [chunk('alpha')], {
        vectors: { spaceKey: 'test:model', values: [unitVector(4, 0)] },
      });
      const copied = await index().writeDocument(
        documentAt('copied.ts', { version: 'v1' }),
        [chunk('beta')],
        {
          vectors: { spaceKey: 'test:model', values: [unitVector(4, 1)] },
        },
      );
      expect(await index().carryDocument(moved, 'v2')).toBe(moved);
      const copy = await index().carryDocument(copied, 'v2', { keepOriginal: true });
      expect(copy).not.toBe(copied);
      const documents = await index().listDocuments({ source: 'github:acme/widgets' });
      expect(documents.map((document) => [document.path, document.version, document.current])).toEqual([
        ['copied.ts', 'v1', false],
        ['copied.ts', 'v2', true],
        ['moved.ts', 'v2', true],
      ]);
      const hits = await index().search({
        text: 'beta',
        mode: 'vector',
        limit: 1,
        filters: {},
        queryVector: unitVector(4, 1),
      });
      expect(hits.map((hit) => [hit.documentId, hit.version])).toEqual([[copy, 'v2']]);
      expect((await index().chunksWithoutVectors('test:model', 10)).length).toBe(0);
    });
  });
}

function describeVectorRules(index: IndexGetter): void {
  describe('vectors', () => {
    async function writeAnimals(): Promise<void> {
      await index().ensureVectorSpace({ key: 'test:model', dimensions: 4, model: { provider: 'test' } });
      const animals: Array<[string, string, number]> = [
        ['cat.md', 'cats purr and nap', 0],
        ['dog.md', 'dogs bark at the mail carrier', 1],
        ['fish.md', 'fish swim; cats watch them', 2],
      ];
      for (const [path, text, axis] of animals) {
        await index().writeDocument(documentAt(path), [chunk(text)], {
          vectors: { spaceKey: 'test:model', values: [unitVector(4, axis)] },
        });
      }
    }

    it('ranks by cosine similarity in vector mode', async () => {
      await writeAnimals();
      const hits = await index().search({
        text: 'loyal companion',
        mode: 'vector',
        limit: 2,
        filters: {},
        queryVector: unitVector(4, 1, 0.3),
      });
      expect(hits.map((hit) => hit.path)).toEqual(['dog.md', 'fish.md']);
      expect(hits[0]?.vectorRank).toBe(1);
    });

    it('fuses keyword and vector ranks in hybrid mode', async () => {
      await writeAnimals();
      const hits = await index().search({
        text: 'cats',
        mode: 'hybrid',
        limit: 3,
        filters: {},
        queryVector: unitVector(4, 1),
      });
      const byPath = new Map(hits.map((hit) => [hit.path, hit]));
      expect(byPath.get('dog.md')).toMatchObject({ vectorRank: 1 });
      expect(byPath.get('dog.md')?.keywordRank).toBeUndefined();
      expect(byPath.get('cat.md')?.keywordRank).toBeDefined();
      expect(hits).toHaveLength(3);
      const scores = hits.map((hit) => hit.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    });

    it('filters vector results before ranking them', async () => {
      await writeAnimals();
      const hits = await index().search({
        text: 'animals',
        mode: 'vector',
        limit: 1,
        filters: { pathGlob: 'fish*' },
        queryVector: unitVector(4, 1),
      });
      expect(hits.map((hit) => hit.path)).toEqual(['fish.md']);
    });

    it('rejects vector mode with no active vectors and a query vector of the wrong size', async () => {
      await index().writeDocument(documentAt('a.ts'), [chunk('alpha')]);
      const vectorSearch = (queryVector?: Float32Array) =>
        index().search({
          text: 'alpha',
          mode: 'vector',
          limit: 1,
          filters: {},
          ...(queryVector ? { queryVector } : {}),
        });
      await expect(vectorSearch(unitVector(4, 0))).rejects.toBeInstanceOf(ValidationError);
      await index().ensureVectorSpace({ key: 'test:model', dimensions: 4, model: {} });
      await expect(vectorSearch()).rejects.toBeInstanceOf(ValidationError);
      await expect(vectorSearch(unitVector(8, 0))).rejects.toBeInstanceOf(ValidationError);
      const hybrid = await index().search({ text: 'alpha', mode: 'hybrid', limit: 1, filters: {} });
      expect(hybrid.map((hit) => hit.path)).toEqual(['a.ts']);
    });

    it('builds a new space beside the active one and switches to it atomically', async () => {
      await writeAnimals();
      const building = await index().ensureVectorSpace({ key: 'test:bigger', dimensions: 8, model: {} });
      expect(building).toMatchObject({ key: 'test:bigger', state: 'building', vectorCount: 0 });
      const pending = await index().chunksWithoutVectors('test:bigger', 2);
      expect(pending).toHaveLength(2);
      await index().storeVectors(
        'test:bigger',
        pending.map((entry, number) => ({ chunkId: entry.chunkId, vector: unitVector(8, number) })),
      );
      expect(await index().chunksWithoutVectors('test:bigger', 10)).toHaveLength(1);
      const stillOld = await index().search({
        text: 'x',
        mode: 'vector',
        limit: 1,
        filters: {},
        queryVector: unitVector(4, 1),
      });
      expect(stillOld.map((hit) => hit.path)).toEqual(['dog.md']);
      await index().activateVectorSpace('test:bigger');
      const spaces = await index().listVectorSpaces();
      expect(spaces.map((space) => [space.key, space.state, space.vectorCount])).toEqual([
        ['test:bigger', 'active', 2],
      ]);
    });

    it('refuses to reuse a space key with other dimensions', async () => {
      await index().ensureVectorSpace({ key: 'test:model', dimensions: 4, model: {} });
      await expect(
        index().ensureVectorSpace({ key: 'test:model', dimensions: 5, model: {} }),
      ).rejects.toBeInstanceOf(ConflictError);
    });
  });
}
