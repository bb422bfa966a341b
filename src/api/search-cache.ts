import type { KnowledgeSearchRequest, KnowledgeSearchResult } from '../knowledge/search-knowledge.ts';

/** Remembers recent search results for a short time. */
export interface SearchCache {
  /** The cached result of an identical request younger than the time to live, else a fresh search. */
  search(request: KnowledgeSearchRequest): Promise<KnowledgeSearchResult>;
  /** Forgets everything (after this process indexed something). */
  clear(): void;
}

/**
 * A small least-recently-used cache of search results in front of `search`. Popular queries (the same
 * question from a team, a page reload) are answered without ranking again. Results may be up to `ttlMs`
 * old when another process (`quarry index`) changed the index; this process clears the cache itself
 * after its own indexing. Concurrent identical requests share one search. A failed search is not cached.
 */
export function createSearchCache(options: {
  search: (request: KnowledgeSearchRequest) => Promise<KnowledgeSearchResult>;
  maxEntries: number;
  ttlMs: number;
  now: () => number;
}): SearchCache {
  const entries = new Map<string, { result: Promise<KnowledgeSearchResult>; storedAt: number }>();
  return {
    search(request) {
      if (options.ttlMs <= 0 || options.maxEntries <= 0) return options.search(request);
      const key = JSON.stringify([request.text, request.limit, request.mode ?? null, request.filters]);
      const found = entries.get(key);
      entries.delete(key);
      if (found && options.now() - found.storedAt < options.ttlMs) {
        entries.set(key, found);
        return found.result;
      }
      const result = options.search(request);
      entries.set(key, { result, storedAt: options.now() });
      result.catch(() => entries.delete(key));
      // Map iteration order is insertion order, and hits are re-inserted: the first key is the least recent.
      while (entries.size > options.maxEntries) entries.delete(entries.keys().next().value as string);
      return result;
    },
    clear: () => entries.clear(),
  };
}
