import { afterEach, beforeEach, describe } from 'vitest';
import type { Catalog } from './catalog.ts';

/** What a contract run needs from an adapter: a fresh, empty catalog and a way to dispose of it. */
export interface CatalogUnderTest<Port = Catalog> {
  catalog: Port;
  /** Closes the catalog and removes whatever backs it (files, tables, ...). */
  cleanup: () => Promise<void>;
}

/**
 * Registers one port's suite: `createCatalog` runs before every test and must return an empty catalog,
 * `register` adds the port's rules, each reading the catalog under test through the function it is given.
 */
export function describeCatalogSuite<Port>(
  title: string,
  createCatalog: () => Promise<CatalogUnderTest<Port>>,
  register: (catalog: () => Port) => void,
): void {
  describe(title, () => {
    const context: { current?: CatalogUnderTest<Port> } = {};
    const catalog = (): Port => {
      if (context.current === undefined) throw new Error('The catalog under test was not created.');
      return context.current.catalog;
    };
    beforeEach(async () => {
      context.current = await createCatalog();
    });
    afterEach(async () => {
      await context.current?.cleanup();
      delete context.current;
    });
    register(catalog);
  });
}
