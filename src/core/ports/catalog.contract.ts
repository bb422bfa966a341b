import { describeAccountCatalogContract } from './account-catalog.contract.ts';
import type { CatalogUnderTest } from './catalog-suite.contract.ts';
import { describeConversationCatalogContract } from './conversation-catalog.contract.ts';
import { describeLockCatalogContract } from './lock-catalog.contract.ts';
import { describeRepositoryCatalogContract } from './repository-catalog.contract.ts';

export type { CatalogUnderTest } from './catalog-suite.contract.ts';

/**
 * Registers the contract suites of every catalog port but crawl state (which also checks reopening, see
 * `crawl-catalog.contract.ts`), for an adapter that implements the whole `Catalog`.
 */
export function describeCatalogContract(name: string, createCatalog: () => Promise<CatalogUnderTest>): void {
  describeRepositoryCatalogContract(name, createCatalog);
  describeLockCatalogContract(name, createCatalog);
  describeConversationCatalogContract(name, createCatalog);
  describeAccountCatalogContract(name, createCatalog);
}
