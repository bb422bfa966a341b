import type { AccountCatalog } from './account-catalog.ts';
import type { ConversationCatalog } from './conversation-catalog.ts';
import type { CrawlCatalog } from './crawl-catalog.ts';
import type { LockCatalog } from './lock-catalog.ts';
import type { RepositoryCatalog } from './repository-catalog.ts';

export type * from './account-catalog.ts';
export type * from './conversation-catalog.ts';
export type * from './crawl-catalog.ts';
export type * from './lock-catalog.ts';
export type * from './repository-catalog.ts';

/**
 * Every durable record Quarry keeps, as one handle: the union of the catalog ports (one file each, each
 * with its contract suite). Capabilities ask for the narrowest port they use; the composition root opens
 * one adapter (SQLite or DynamoDB) that implements them all and closes it when done.
 */
export interface Catalog
  extends RepositoryCatalog,
    LockCatalog,
    ConversationCatalog,
    AccountCatalog,
    CrawlCatalog {
  /** Release resources (database handles, connections). */
  close(): Promise<void>;
}
