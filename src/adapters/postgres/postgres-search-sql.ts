import picomatch from 'picomatch';
import { ValidationError } from '../../core/errors/index.ts';
import type { SearchFilters } from '../../core/ports/search-index.ts';
import { fusionRankConstant } from '../../core/search/query-terms.ts';
import type { SearchTables } from './search-tables.ts';

/** A statement and the values of its `$1`, `$2`, ... placeholders, in order. */
export interface SqlStatement {
  sql: string;
  values: unknown[];
}

/**
 * Collects the values of one statement and hands out their placeholders. A placeholder can be used more
 * than once, so the filters written once serve both the keyword and the vector list.
 */
export class SqlParameters {
  readonly values: unknown[] = [];

  /** Adds `value` and returns its placeholder, cast to `type` so PostgreSQL never has to guess. */
  add(value: unknown, type: string): string {
    this.values.push(value);
    return `$${this.values.length}::${type}`;
  }
}

/**
 * `ts_rank` weights for the labels {D, C, B, A}: heading (A) counts twice the text (B), path and
 * identifier parts (C) half of it, as the column weights of the SQLite index's BM25 do.
 */
const rankWeights = `'{0.1, 0.25, 0.5, 1.0}'::float4[]`;

/** `ts_rank` normalisation 1 divides by 1 + log(length): long chunks do not win on length alone. */
const rankNormalisation = 1;

/**
 * The words of `text` separated by spaces, cut exactly where `queryTerms` cuts a query. PostgreSQL's
 * parser would otherwise keep `console.log` or `src/retry.ts` as single host or file tokens that a search
 * for `log` or `retry` cannot find.
 */
export function searchableWords(text: string): string {
  return text.replace(/[^\p{L}\p{N}_]+/gu, ' ').trim();
}

/**
 * The `tsvector` of a chunk: heading words weighted A, text B, path and identifier parts C. The three
 * arguments are SQL expressions yielding the words (see {@link searchableWords}).
 */
export function searchVectorSql(tables: SearchTables, heading: string, text: string, other: string): string {
  const configuration = `'${tables.textSearch}'::regconfig`;
  return `setweight(to_tsvector(${configuration}, ${heading}), 'A')
    || setweight(to_tsvector(${configuration}, ${text}), 'B')
    || setweight(to_tsvector(${configuration}, ${other}), 'C')`;
}

/**
 * The OR of the query terms as a `tsquery`. Each term is a bound parameter read as plain words by
 * `phraseto_tsquery` (a term like `text_retry` becomes the phrase `text <-> retri`), so no user text is
 * parsed as tsquery syntax; a term that stems to nothing adds an empty query, which `||` ignores.
 */
export function textQuerySql(tables: SearchTables, terms: string[], parameters: SqlParameters): string {
  const configuration = `'${tables.textSearch}'::regconfig`;
  const parts = terms.map((term) => `phraseto_tsquery(${configuration}, ${parameters.add(term, 'text')})`);
  return `(${parts.join(' || ')})`;
}

/**
 * A PostgreSQL regular expression matching the paths `glob` matches in picomatch (as the SQLite index
 * does). picomatch emits only syntax that PostgreSQL's advanced regular expressions share with
 * JavaScript's (groups, `(?:`, lookaheads, classes, `\/` escapes); the adapter's tests compare both
 * engines on a set of globs and paths.
 */
export function pathPattern(glob: string): string {
  try {
    return picomatch.makeRe(glob, { dot: true }).source;
  } catch (error) {
    throw new ValidationError(`The path glob "${glob}" is not valid.`, {
      cause: error,
      hint: 'Use a glob such as src/**/*.ts.',
    });
  }
}

/** The WHERE conditions on chunk alias `c` for `filters`; they run before any ranking. */
export function filterConditions(filters: SearchFilters, parameters: SqlParameters): string {
  const conditions: string[] = [];
  const anyOf = (column: string, list: string[] | undefined) => {
    if (!list || list.length === 0) return;
    conditions.push(`${column} = ANY(${parameters.add(list, 'text[]')})`);
  };
  if (!filters.includeArchived && !(filters.versions && filters.versions.length > 0)) {
    conditions.push('c.is_current');
  }
  anyOf('c.source', filters.sources);
  anyOf(
    'lower(c.repo)',
    filters.repos?.map((repo) => repo.toLowerCase()),
  );
  anyOf('c.version', filters.versions);
  anyOf(
    'c.language',
    filters.languages?.map((language) => language.toLowerCase()),
  );
  if (filters.pathGlob) {
    conditions.push(`c.path ~ ${parameters.add(pathPattern(filters.pathGlob), 'text')}`);
  }
  return conditions.length > 0 ? conditions.join(' AND ') : 'true';
}

/** Keyword-ranked chunk ids with their rank, best first. */
function keywordList(tables: SearchTables, filters: string, textQuery: string, depth: string): string {
  return `SELECT chunk_id, (row_number() OVER (ORDER BY score DESC, chunk_id))::integer AS rank FROM (
      SELECT c.id AS chunk_id,
        ts_rank(${rankWeights}, c.search_vector, wanted.words, ${rankNormalisation}) AS score
      FROM ${tables.chunks} c CROSS JOIN (SELECT ${textQuery} AS words) wanted
      WHERE c.search_vector @@ wanted.words AND ${filters}
      ORDER BY score DESC, c.id LIMIT ${depth}) ranked`;
}

/** Vector-ranked chunk ids (cosine distance, exact scan of the filtered chunks) with their rank. */
function vectorList(
  tables: SearchTables,
  filters: string,
  vectorTable: string,
  vector: string,
  depth: string,
) {
  return `SELECT chunk_id, (row_number() OVER (ORDER BY distance, chunk_id))::integer AS rank FROM (
      SELECT c.id AS chunk_id, v.embedding <=> ${vector} AS distance
      FROM ${vectorTable} v JOIN ${tables.chunks} c ON c.id = v.chunk_id
      WHERE ${filters}
      ORDER BY distance, c.id LIMIT ${depth}) ranked`;
}

/** What one search statement needs. */
export interface RankedQuery {
  tables: SearchTables;
  filters: SearchFilters;
  /** Query terms (see `queryTerms`), when keywords take part. */
  terms?: string[];
  /** Vector table and query vector (as pgvector text, `[0.1,0.2]`), when vectors take part. */
  vector?: { table: string; literal: string };
  limit: number;
  /** How deep each list goes before fusion. */
  depth: number;
}

/**
 * One statement that ranks by keywords, vectors, or both fused by reciprocal rank, inside PostgreSQL:
 * each list is filtered first, then ranked, then the lists are fused and the best `limit` chunks returned.
 */
export function rankedQuery(query: RankedQuery): SqlStatement {
  const { tables } = query;
  const parameters = new SqlParameters();
  const filters = filterConditions(query.filters, parameters);
  const depth = parameters.add(query.depth, 'integer');
  const lists: Array<{ name: 'keyword' | 'vector'; sql: string }> = [];
  if (query.terms) {
    const textQuery = textQuerySql(tables, query.terms, parameters);
    lists.push({ name: 'keyword', sql: keywordList(tables, filters, textQuery, depth) });
  }
  if (query.vector) {
    const vector = parameters.add(query.vector.literal, 'vector');
    lists.push({ name: 'vector', sql: vectorList(tables, filters, query.vector.table, vector, depth) });
  }
  const withClause = lists.map((list) => `${list.name}_list AS (${list.sql})`).join(',\n');
  const union = lists
    .map(
      (list) =>
        `SELECT chunk_id, rank, ${list.name === 'keyword' ? 'rank' : 'NULL::integer'} AS keyword_rank, ${
          list.name === 'vector' ? 'rank' : 'NULL::integer'
        } AS vector_rank FROM ${list.name}_list`,
    )
    .join(' UNION ALL ');
  const limit = parameters.add(query.limit, 'integer');
  return {
    sql: `WITH ${withClause},
      fused AS (
        SELECT chunk_id, sum(1.0::float8 / (${fusionRankConstant} + rank)) AS score,
          min(keyword_rank) AS keyword_rank, min(vector_rank) AS vector_rank
        FROM (${union}) lists GROUP BY chunk_id
      )
      SELECT c.id AS "chunkId", c.document_id AS "documentId", c.source, c.repo, c.version, c.path,
        c.language, d.url, d.title, c.start_line AS "startLine", c.end_line AS "endLine",
        c.heading_path AS "headingPath", c.text, fused.score, fused.keyword_rank AS "keywordRank",
        fused.vector_rank AS "vectorRank"
      FROM fused JOIN ${tables.chunks} c ON c.id = fused.chunk_id
        JOIN ${tables.documents} d ON d.id = c.document_id
      ORDER BY fused.score DESC, c.id LIMIT ${limit}`,
    values: parameters.values,
  };
}
