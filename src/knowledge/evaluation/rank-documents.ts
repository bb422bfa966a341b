import type { SearchIndex, SearchMode } from '../../core/ports/search-index.ts';

/** A query whose answer is a ranking of documents rather than of chunks. */
export interface DocumentRankingRequest {
  text: string;
  mode: SearchMode;
  queryVector?: Float32Array;
  /** How many documents to return (fewer when fewer match). */
  depth: number;
  /** Only chunks of this source (the evaluation's scratch index holds nothing else, but stays exact). */
  source: string;
  /** A document left out of the ranking: BEIR ignores a hit whose id is the query's own id. */
  excludeId?: string;
}

/** Chunks asked for per wanted document at first: most documents have one to three chunks. */
const firstChunksPerDocument = 3;
/** Each retry asks for this many times more chunks. */
const growth = 4;
/** Never asks for more than this many chunks per wanted document, whatever the documents' sizes. */
const maxChunksPerDocument = 200;

/**
 * Ranks documents by their best chunk: searches chunks, keeps each document's first (best) hit, and asks
 * again with a larger limit while the chunks returned cover fewer than `depth` documents but more chunks
 * may exist. Returns document paths (the corpus ids), best first.
 */
export async function rankDocuments(index: SearchIndex, request: DocumentRankingRequest): Promise<string[]> {
  let limit = request.depth * firstChunksPerDocument;
  for (;;) {
    const hits = await index.search({
      text: request.text,
      mode: request.mode,
      limit,
      filters: { sources: [request.source] },
      ...(request.queryVector ? { queryVector: request.queryVector } : {}),
    });
    const ranking: string[] = [];
    const seen = new Set<string>();
    for (const hit of hits) {
      if (seen.has(hit.path) || hit.path === request.excludeId) continue;
      seen.add(hit.path);
      ranking.push(hit.path);
      if (ranking.length === request.depth) return ranking;
    }
    const exhausted = hits.length < limit || limit >= request.depth * maxChunksPerDocument;
    if (exhausted) return ranking;
    limit *= growth;
  }
}
