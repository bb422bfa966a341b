import * as path from 'node:path';
import { createSqliteSearchIndex } from '../adapters/sqlite/sqlite-search-index.ts';
import type { QuarryConfig } from '../core/config.ts';
import type { Catalog } from '../core/ports/catalog.ts';
import type { ObjectStore } from '../core/ports/object-store.ts';
import type { SearchIndex } from '../core/ports/search-index.ts';
import type { Redactor } from '../core/redact.ts';
import { KnowledgeBase } from '../knowledge/knowledge-base.ts';

/** Where the SQLite search index lives inside `QUARRY_HOME`. */
export function sqliteIndexPath(config: QuarryConfig): string {
  return path.join(config.home, 'index.sqlite');
}

/**
 * Picks the search index (SQLite file in `home`, or PostgreSQL) and the embedding model adapter from the
 * configuration. PostgreSQL and the model SDKs are imported only when configured.
 */
export async function createKnowledgeBase(input: {
  config: QuarryConfig;
  catalog: Catalog;
  store: ObjectStore;
  redact: Redactor;
  /** Where embedding adapters read credentials and endpoints (never `process.env` directly). */
  environment: Record<string, string | undefined>;
}): Promise<KnowledgeBase> {
  const { config } = input;
  const index = await openSearchIndex(config);
  return new KnowledgeBase({
    index,
    store: input.store,
    catalog: input.catalog,
    settings: config.knowledge,
    redact: input.redact,
    openEmbedding: async (settings) => {
      if (settings.provider === 'none') return undefined;
      const { createEmbeddingRuntime } = await import('../adapters/ai-sdk/create-embedding-runtime.ts');
      return createEmbeddingRuntime(settings, {
        modelsFolder: path.join(config.home, 'models'),
        environment: input.environment,
        ...(config.aws.region ? { region: config.aws.region } : {}),
      });
    },
  });
}

/** Opens the configured search index. */
export async function openSearchIndex(config: QuarryConfig): Promise<SearchIndex> {
  if (config.knowledge.index === 'sqlite') return createSqliteSearchIndex({ path: sqliteIndexPath(config) });
  const { connectPostgres, createPostgresSearchIndex } = await import(
    '../adapters/postgres/postgres-search-index.ts'
  );
  return createPostgresSearchIndex({ client: await connectPostgres(config.knowledge.index) });
}
