import type { SearchFilters } from '../core/ports/search-index.ts';

/**
 * The filters as people give them: the CLI's `--repo`, `--version`, ... flags and the API's query
 * parameters of the same names. One mapping to {@link SearchFilters}, so both narrow a search alike.
 */
export interface SearchFilterOptions {
  repo?: string[];
  version?: string[];
  source?: string[];
  lang?: string[];
  path?: string;
  mode?: string;
  allVersions?: boolean;
}

/** The search filters the flags or query parameters ask for. */
export function filtersFrom(options: SearchFilterOptions): SearchFilters {
  return {
    ...(options.repo ? { repos: options.repo } : {}),
    ...(options.version ? { versions: options.version } : {}),
    ...(options.source ? { sources: options.source } : {}),
    ...(options.lang ? { languages: options.lang } : {}),
    ...(options.path ? { pathGlob: options.path } : {}),
    ...(options.allVersions ? { includeArchived: true } : {}),
  };
}
