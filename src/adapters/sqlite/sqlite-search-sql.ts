import type { SearchFilters } from '../../core/ports/search-index.ts';
import { fusionRankConstant } from '../../core/search/query-terms.ts';

/** A SQL fragment and the values bound to its `?` placeholders, in order. */
export interface SqlPart {
  sql: string;
  values: unknown[];
}

/**
 * BM25 column weights for (heading, text, path, identifier parts). Title and heading words count as much
 * as body words (as in a single-field BM25: weighting them twice cost 0.002 nDCG@10 on NFCorpus); words
 * only in the path or inside identifiers count half.
 */
const bm25Weights = '1.0, 1.0, 0.5, 0.5';

/** Chunk columns every hit returns (`c` is chunks, `d` documents). */
const hitColumns = `c.id AS chunkId, c.document_id AS documentId, c.source, c.repo, c.version, c.path,
  c.language, d.url, d.title, c.start_line AS startLine, c.end_line AS endLine,
  c.heading_path AS headingPath, c.text`;

/** True when `filters` name nothing but the default "current versions only". */
export function onlyCurrentFilter(filters: SearchFilters): boolean {
  const named = [filters.sources, filters.repos, filters.versions, filters.languages].some(
    (list) => list !== undefined && list.length > 0,
  );
  return !named && !filters.pathGlob;
}

/** The WHERE conditions on chunk alias `c` for `filters`; they run before any ranking. */
export function filterConditions(filters: SearchFilters): SqlPart {
  const conditions: string[] = [];
  const values: unknown[] = [];
  const anyOf = (column: string, list: string[] | undefined, collate = '') => {
    if (!list || list.length === 0) return;
    conditions.push(`${column}${collate} IN (${list.map(() => '?').join(', ')})`);
    values.push(...list);
  };
  if (!filters.includeArchived && !(filters.versions && filters.versions.length > 0)) {
    conditions.push('c.is_current = 1');
  }
  anyOf('c.source', filters.sources);
  anyOf('c.repo', filters.repos, ' COLLATE NOCASE');
  anyOf('c.version', filters.versions);
  anyOf(
    'c.language',
    filters.languages?.map((language) => language.toLowerCase()),
  );
  if (filters.pathGlob) {
    conditions.push('path_matches(?, c.path)');
    values.push(filters.pathGlob);
  }
  return { sql: conditions.length > 0 ? conditions.join(' AND ') : '1', values };
}

/** FTS5 match text that ORs the quoted words, so no user text is read as FTS5 syntax. */
export function ftsMatch(terms: string[]): string {
  return terms.map((term) => `"${term.replaceAll('"', '""')}"`).join(' OR ');
}

/** Keyword-ranked chunk ids with their rank, best first. */
function keywordList(filters: SqlPart, keywords: KeywordMatch, depth: number, unfiltered: boolean): SqlPart {
  if (unfiltered && keywords.split) {
    // Chunks with a rare word and no common one, and chunks with both, ranked apart by the full BM25 of
    // every word (the other side's words count zero where absent), then merged: the exact top chunks
    // among those holding a rare word, without scoring every chunk that holds a common word.
    const { rare, common } = keywords.split;
    const side = `SELECT rowid AS chunk_id, bm25(chunks_fts, ${bm25Weights}) AS score
        FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY score LIMIT ?`;
    return {
      sql: `SELECT chunk_id, row_number() OVER (ORDER BY score) AS rank FROM (
          SELECT * FROM (${side}) UNION ALL SELECT * FROM (${side})
          ORDER BY score LIMIT ?)`,
      values: [`(${rare}) NOT (${common})`, depth, `(${rare}) AND (${common})`, depth, depth],
    };
  }
  if (unfiltered) {
    // No filter excludes anything: rank inside FTS5 alone, without visiting a chunk row per match.
    return {
      sql: `SELECT chunk_id, row_number() OVER (ORDER BY score) AS rank FROM (
          SELECT rowid AS chunk_id, bm25(chunks_fts, ${bm25Weights}) AS score
          FROM chunks_fts WHERE chunks_fts MATCH ? ORDER BY score LIMIT ?)`,
      values: [keywords.match, depth],
    };
  }
  return {
    sql: `SELECT chunk_id, row_number() OVER (ORDER BY score) AS rank FROM (
        SELECT c.id AS chunk_id, bm25(chunks_fts, ${bm25Weights}) AS score
        FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid
        WHERE chunks_fts MATCH ? AND ${filters.sql}
        ORDER BY score LIMIT ?)`,
    values: [keywords.match, ...filters.values, depth],
  };
}

/** Vector-ranked chunk ids (cosine distance, exact scan of the filtered chunks) with their rank. */
function vectorList(filters: SqlPart, vectorTable: string, vector: Buffer, depth: number): SqlPart {
  return {
    sql: `SELECT chunk_id, row_number() OVER (ORDER BY distance) AS rank FROM (
        SELECT c.id AS chunk_id, vec_distance_cosine(v.embedding, ?) AS distance
        FROM ${vectorTable} v JOIN chunks c ON c.id = v.chunk_id
        WHERE ${filters.sql}
        ORDER BY distance LIMIT ?)`,
    values: [vector, ...filters.values, depth],
  };
}

/** FTS5 match text for all query words, and optionally the same words split into rare and common. */
export interface KeywordMatch {
  match: string;
  /** In large indexes: match texts of the rarer words and of the very common ones. */
  split?: { rare: string; common: string };
}

/** What one search statement needs. */
export interface RankedQuery {
  filters: SearchFilters;
  /** What keywords to match, when keywords take part. */
  keywords?: KeywordMatch;
  /** Vector table and query vector, when vectors take part. */
  vector?: { table: string; value: Buffer };
  limit: number;
  /** How deep each list goes before fusion. */
  depth: number;
  /** True when the filters exclude no chunk at all (the keyword list can skip checking them). */
  unfiltered: boolean;
}

/**
 * One statement that ranks by keywords, vectors, or both fused by reciprocal rank, inside SQLite: each
 * list is filtered first, then ranked, then the lists are fused and the best `limit` chunks returned.
 */
export function rankedQuery(query: RankedQuery): SqlPart {
  const filters = filterConditions(query.filters);
  const lists: Array<{ name: string; part: SqlPart }> = [];
  if (query.keywords) {
    lists.push({
      name: 'keyword',
      part: keywordList(filters, query.keywords, query.depth, query.unfiltered),
    });
  }
  if (query.vector) {
    lists.push({
      name: 'vector',
      part: vectorList(filters, query.vector.table, query.vector.value, query.depth),
    });
  }
  const withClause = lists.map((list) => `${list.name} AS (${list.part.sql})`).join(',\n');
  const union = lists
    .map(
      (list) =>
        `SELECT chunk_id, rank, ${list.name === 'keyword' ? 'rank' : 'NULL'} AS keyword_rank, ${
          list.name === 'vector' ? 'rank' : 'NULL'
        } AS vector_rank FROM ${list.name}`,
    )
    .join(' UNION ALL ');
  return {
    sql: `WITH ${withClause},
      fused AS (
        SELECT chunk_id, sum(1.0 / (${fusionRankConstant} + rank)) AS score,
          min(keyword_rank) AS keywordRank, min(vector_rank) AS vectorRank
        FROM (${union}) GROUP BY chunk_id
      )
      SELECT ${hitColumns}, fused.score, fused.keywordRank, fused.vectorRank
      FROM fused JOIN chunks c ON c.id = fused.chunk_id JOIN documents d ON d.id = c.document_id
      ORDER BY fused.score DESC, c.id LIMIT ?`,
    values: [...lists.flatMap((list) => list.part.values), query.limit],
  };
}
