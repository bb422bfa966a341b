import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeSearchIndexContract } from '../../core/ports/search-index.contract.ts';
import { createSqliteSearchIndex } from './sqlite-search-index.ts';

describeSearchIndexContract('SQLite FTS5 + sqlite-vec', async () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'quarry-index-'));
  const index = createSqliteSearchIndex({ path: path.join(folder, 'index.sqlite') });
  return {
    index,
    cleanup: async () => {
      await index.close();
      fs.rmSync(folder, { recursive: true, force: true });
    },
  };
});

describe('SQLite search index in large-index mode', () => {
  it('ranks candidates picked by rare words as a full BM25 ranking would, and falls back when they are few', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'quarry-index-large-'));
    const exact = createSqliteSearchIndex({ path: path.join(folder, 'exact.sqlite') });
    const large = createSqliteSearchIndex({ path: path.join(folder, 'large.sqlite'), largeIndexChunks: 10 });
    try {
      for (const index of [exact, large]) {
        const writes = Array.from({ length: 400 }, (_, number) => ({
          document: {
            source: 'bench',
            version: '',
            path: `doc-${number}.md`,
            language: 'markdown',
            contentHash: String(number),
            byteSize: 1,
          },
          chunks: [
            {
              // "common" is in every chunk; "zebra" in 12 (3%); "okapi" in 2.
              text: `common words ${'common '.repeat(number % 5)}${number % 33 === 0 ? 'zebra '.repeat(1 + (number % 3)) : ''}${number % 200 === 7 ? 'okapi' : ''}`,
              startLine: 1,
              endLine: 1,
              headingPath: [],
            },
          ],
        }));
        await index.writeDocuments(writes);
      }
      for (const query of ['common zebra', 'common okapi']) {
        const ranking = async (index: typeof exact) =>
          (await index.search({ text: query, mode: 'keyword', limit: 10, filters: {} })).map(
            (hit) => hit.path,
          );
        const expected = await ranking(exact);
        expect(expected).toHaveLength(10);
        expect(await ranking(large), query).toEqual(expected);
      }
    } finally {
      await exact.close();
      await large.close();
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
