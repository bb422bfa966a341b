import type { SearchResponse } from './api-types.ts';
import { useOpenSource } from './source-viewer-context.ts';

/** Search results; each hit opens the source viewer. Shows the search mode and any warnings. */
export function SearchHitList({ response }: { response: SearchResponse }) {
  const openSource = useOpenSource();
  return (
    <section className="search-results" aria-labelledby="search-results-title">
      <h2 id="search-results-title">
        {response.hits.length === 1 ? '1 result' : `${response.hits.length} results`}{' '}
        <span className="muted">({response.mode})</span>
      </h2>
      {response.warnings.map((warning) => (
        <p key={warning} className="note note-warning">
          {warning}
        </p>
      ))}
      <ol className="plain-list search-hits">
        {response.hits.map((hit) => (
          <li key={`${hit.citation}:${hit.startLine}`} className="search-hit">
            <button
              type="button"
              className="source-button search-hit-title"
              onClick={() => openSource({ ...hit, text: hit.snippet })}
            >
              {hit.citation}
            </button>
            <span className="muted search-hit-score">score {hit.score.toFixed(3)}</span>
            {hit.heading && <p className="search-hit-heading">{hit.heading}</p>}
            <pre className="search-hit-snippet">{hit.snippet}</pre>
          </li>
        ))}
      </ol>
    </section>
  );
}
