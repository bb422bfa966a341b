import { ValidationError } from '../../core/errors/index.ts';

/**
 * The names of one search index's database objects. They all start with the table prefix, so several
 * indexes (teams, test runs) can share one database and schema.
 */
export interface SearchTables {
  prefix: string;
  documents: string;
  chunks: string;
  vectorSpaces: string;
  completedRuns: string;
  migrations: string;
  /** The text search configuration (English stemming, no stop words). */
  textSearch: string;
  /** The table holding the vectors of one vector space. */
  vectors(spaceId: number): string;
}

/** The prefix used when none is given: tables `quarry_search_documents`, `quarry_search_migrations`, ... */
export const defaultTablePrefix = 'quarry_search_';

/**
 * Lowercase so names need no quoting, and short so that the longest name built from it (and PostgreSQL's
 * own constraint and sequence names) stays under the 63-byte identifier limit instead of being truncated.
 */
const prefixPattern = /^[a-z][a-z0-9_]{0,29}$/;

/** The object names for `prefix`; a prefix that is not a short lowercase identifier is a `ValidationError`. */
export function searchTables(prefix: string = defaultTablePrefix): SearchTables {
  if (!prefixPattern.test(prefix)) {
    throw new ValidationError(
      `The table prefix "${prefix}" is not usable: it must start with a lowercase letter and hold at most 30 lowercase letters, digits and underscores.`,
      { hint: `Use something like ${defaultTablePrefix} or team_a_search_.` },
    );
  }
  return {
    prefix,
    documents: `${prefix}documents`,
    chunks: `${prefix}chunks`,
    vectorSpaces: `${prefix}vector_spaces`,
    completedRuns: `${prefix}completed_runs`,
    migrations: `${prefix}migrations`,
    textSearch: `${prefix}english`,
    vectors: (spaceId) => `${prefix}vectors_${Math.trunc(spaceId)}`,
  };
}
