import { type FormEvent, useState } from 'react';
import { apiJson, errorMessage } from './api-client.ts';
import type { SearchResponse } from './api-types.ts';
import { SearchForm } from './search-form.tsx';
import { SearchHitList } from './search-hit-list.tsx';
import { type SearchParameters, searchUrl } from './urls.ts';

/** The search page: hybrid search over the knowledge base with optional filters (`GET /api/search`). */
export function SearchPage() {
  const [parameters, setParameters] = useState<SearchParameters>({ query: '' });
  const [response, setResponse] = useState<SearchResponse | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [searching, setSearching] = useState(false);

  async function search(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (parameters.query.trim() === '') return;
    setSearching(true);
    setError(undefined);
    try {
      setResponse(await apiJson<SearchResponse>(searchUrl({ ...parameters, limit: 10 })));
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setSearching(false);
    }
  }

  return (
    <section className="form-page">
      <h1>Search the knowledge base</h1>
      <SearchForm parameters={parameters} onChange={setParameters} searching={searching} onSubmit={search} />
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
      {response && <SearchHitList response={response} />}
    </section>
  );
}
