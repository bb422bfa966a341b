import { afterAll, beforeAll } from 'vitest';
import { type RunningDynalite, startDynalite, uniqueTablePrefix } from '../../../test/support/dynalite.ts';
import { describeCatalogContract } from '../../core/ports/catalog.contract.ts';
import { describeCrawlCatalogContract } from '../../core/ports/crawl-catalog.contract.ts';
import { createDynamoDbCatalog } from './dynamodb-catalog.ts';

// One dynalite for the whole file; every test gets tables of its own under a fresh prefix, left in the
// in-memory server when the test ends (they vanish with it).
let dynalite: RunningDynalite;

beforeAll(async () => {
  dynalite = await startDynalite();
});

afterAll(async () => {
  await dynalite?.close();
});

function openCatalog(tablePrefix: string) {
  return createDynamoDbCatalog({ tablePrefix, createTables: true, client: dynalite.client });
}

describeCatalogContract('dynamodb', async () => {
  const catalog = openCatalog(uniqueTablePrefix());
  return { catalog, cleanup: () => catalog.close() };
});

describeCrawlCatalogContract('dynamodb', async () => {
  const tablePrefix = uniqueTablePrefix();
  let catalog = openCatalog(tablePrefix);
  return {
    catalog,
    reopen: async () => {
      await catalog.close();
      catalog = openCatalog(tablePrefix);
      return catalog;
    },
    cleanup: () => catalog.close(),
  };
});
