import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
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
