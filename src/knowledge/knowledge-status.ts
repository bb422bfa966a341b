import type { Catalog } from '../core/ports/catalog.ts';
import type { IndexStats, SearchIndex } from '../core/ports/search-index.ts';

/** Vectors still to embed are counted up to this many (counting more only costs time). */
const pendingCountCap = 100_000;

/** What `quarry status` shows about the knowledge base. */
export interface KnowledgeStatus extends IndexStats {
  /** `hybrid` when an active vector space has vectors, otherwise `keyword-only`. */
  searchMode: 'hybrid' | 'keyword-only';
  embedding: {
    /** The configured model, or `null` when none is (keyword-only). */
    configured: { key: string; description: string } | null;
    /** The space serving queries, and one being built to replace it. */
    active: string | null;
    building: string | null;
  };
  pending: {
    /** Synced repositories whose current version is not in the index. */
    repos: Array<{ id: string; version: string }>;
    /** Chunks without a vector for the configured model (capped at 100,000). */
    vectors: number;
  };
}

/** Gathers index counts, the embedding state and the work still pending. */
export async function knowledgeStatus(input: {
  index: SearchIndex;
  catalog: Catalog;
  configuredModel: { key: string; description: string } | undefined;
}): Promise<KnowledgeStatus> {
  const stats = await input.index.stats();
  const completed = new Map(stats.sources.map((source) => [source.source, source.completedVersion]));
  const repos = (await input.catalog.listRepos())
    .filter((repo) => repo.enabled && repo.version !== null)
    // A version counts as indexed once a run over it finished; an interrupted run leaves it pending.
    .filter((repo) => completed.get(`github:${repo.id}`) !== repo.version)
    .map((repo) => ({ id: repo.id, version: repo.version as string }));
  const active = stats.vectorSpaces.find((space) => space.state === 'active');
  const building = stats.vectorSpaces.find((space) => space.state === 'building');
  const configured = input.configuredModel;
  const hasConfiguredSpace = configured && stats.vectorSpaces.some((space) => space.key === configured.key);
  const pendingVectors = hasConfiguredSpace
    ? (await input.index.chunksWithoutVectors(configured.key, pendingCountCap)).length
    : configured
      ? stats.chunks
      : 0;
  return {
    ...stats,
    searchMode: active && active.vectorCount > 0 ? 'hybrid' : 'keyword-only',
    embedding: {
      configured: configured ?? null,
      active: active?.key ?? null,
      building: building?.key ?? null,
    },
    pending: { repos, vectors: pendingVectors },
  };
}
