import { type FormEvent, useId } from 'react';
import type { SearchParameters } from './urls.ts';

/** Props of {@link SearchForm}. */
export interface SearchFormProps {
  parameters: SearchParameters;
  onChange: (parameters: SearchParameters) => void;
  searching: boolean;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
}

type FilterName = 'repo' | 'version' | 'language' | 'path';

const FILTERS: ReadonlyArray<{ name: FilterName; label: string; placeholder: string }> = [
  { name: 'repo', label: 'Repo filter', placeholder: 'owner/name' },
  { name: 'version', label: 'Version', placeholder: 'v1.2.3' },
  { name: 'language', label: 'Language', placeholder: 'typescript' },
  { name: 'path', label: 'Path', placeholder: 'src/' },
];

/** The search box and its optional filters; Enter in any field searches. */
export function SearchForm({ parameters, onChange, searching, onSubmit }: SearchFormProps) {
  const queryId = useId();
  const filterIdPrefix = useId();
  return (
    <search>
      <form className="search-form" onSubmit={onSubmit}>
        <div className="search-query">
          <label htmlFor={queryId}>Search</label>
          <input
            id={queryId}
            type="search"
            required
            value={parameters.query}
            onChange={(event) => onChange({ ...parameters, query: event.target.value })}
          />
          <button type="submit" className="button-primary" disabled={searching}>
            Search
          </button>
        </div>
        <fieldset className="search-filters">
          <legend>Filters (optional)</legend>
          {FILTERS.map((filter) => (
            <div key={filter.name} className="field">
              <label htmlFor={`${filterIdPrefix}-${filter.name}`}>{filter.label}</label>
              <input
                id={`${filterIdPrefix}-${filter.name}`}
                placeholder={filter.placeholder}
                value={parameters[filter.name] ?? ''}
                onChange={(event) => onChange({ ...parameters, [filter.name]: event.target.value })}
              />
            </div>
          ))}
        </fieldset>
      </form>
    </search>
  );
}
