import type { Catalog } from '../core/ports/catalog.ts';

/** What the account services work with: the catalog that keeps the records, and the current time. */
export interface AccountDependencies {
  catalog: Catalog;
  /** Stamps creation, use and expiry times; injected so tests control time. */
  clock: () => Date;
}
