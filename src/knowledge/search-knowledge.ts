import { ValidationError } from '../core/errors/index.ts';
import type { SearchFilters, SearchHit, SearchIndex, SearchMode } from '../core/ports/search-index.ts';
import { queryTerms } from '../core/search/query-terms.ts';
import { buildSnippet, type Snippet } from './snippet.ts';

/** A hit ready to show: where it is, in one line, and the passage that matched. */
export interface KnowledgeHit extends SearchHit {
  /** `owner/repo@version:path:12-40`, `source:path:12-40`, or `url § heading`. */
  citation: string;
  snippet: Snippet;
}

/** What a search found and how it ranked. */
export interface KnowledgeSearchResult {
  /** The mode actually used (hybrid falls back to keyword when there are no vectors). */
  mode: SearchMode;
  hits: KnowledgeHit[];
  warnings: string[];
}

/** What searching needs: the index, and a way to embed a query in the index's active vector space. */
export interface KnowledgeSearchDependencies {
  index: SearchIndex;
  /** Embeds the query for the active vector space; `undefined` when the index has no usable vectors. */
  embedQuery?: (text: string) => Promise<Float32Array | undefined>;
}

/** A search as the user asks it. */
export interface KnowledgeSearchRequest {
  text: string;
  limit: number;
  /** Default: hybrid when vectors are available, keyword otherwise. */
  mode?: SearchMode;
  filters: SearchFilters;
}

/**
 * Searches the knowledge base. Vector and hybrid searches embed the query with the model of the index's
 * active vector space; when that fails, hybrid degrades to keyword ranking with a warning, and vector
 * mode fails with the reason.
 */
export async function searchKnowledge(
  dependencies: KnowledgeSearchDependencies,
  request: KnowledgeSearchRequest,
): Promise<KnowledgeSearchResult> {
  const terms = queryTerms(request.text);
  const warnings: string[] = [];
  const wanted = request.mode ?? 'hybrid';
  let queryVector: Float32Array | undefined;
  if (wanted !== 'keyword' && dependencies.embedQuery) {
    try {
      queryVector = await dependencies.embedQuery(request.text);
    } catch (error) {
      if (wanted === 'vector') throw error;
      warnings.push(
        `Ranking by keywords only: the query could not be embedded (${(error as Error).message}).`,
      );
    }
  }
  if (wanted === 'vector' && !queryVector) {
    throw new ValidationError('Vector search needs an embedding model, and the index has no vectors yet.', {
      hint: 'Set knowledge.embedding (see the README) and run quarry index, or use --mode keyword.',
    });
  }
  const mode: SearchMode = wanted === 'hybrid' && !queryVector ? 'keyword' : wanted;
  const hits = await dependencies.index.search({
    text: request.text,
    mode,
    limit: request.limit,
    filters: request.filters,
    ...(queryVector ? { queryVector } : {}),
  });
  return {
    mode,
    hits: hits.map((hit) => ({ ...hit, citation: citationOf(hit), snippet: buildSnippet(hit.text, terms) })),
    warnings,
  };
}

/** Where a hit comes from, in the one-line form the CLI prints and answers cite. */
export function citationOf(hit: SearchHit): string {
  if (hit.url) return hit.headingPath.length > 0 ? `${hit.url} § ${hit.headingPath.join(' › ')}` : hit.url;
  const owner = hit.repo
    ? `${hit.repo}@${hit.version}`
    : hit.version
      ? `${hit.source}@${hit.version}`
      : hit.source;
  return `${owner}:${hit.path}:${hit.startLine}-${hit.endLine}`;
}
