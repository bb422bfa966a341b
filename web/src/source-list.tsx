import type { AnswerData, Source } from './api-types.ts';
import { splitCitedSources } from './chat-message-parts.ts';
import { SourceButton } from './source-button.tsx';

/** Props of {@link SourceList}. */
export interface SourceListProps {
  sources: Source[];
  answer: AnswerData | undefined;
}

/** The sources under an answer as `[n] citation` buttons; uncited retrieved ones fold away. */
export function SourceList({ sources, answer }: SourceListProps) {
  if (sources.length === 0) return null;
  const { cited, uncited } = splitCitedSources(sources, answer);
  return (
    <section className="source-list">
      <h3 className="section-label">Sources</h3>
      <ul className="plain-list">
        {cited.map((source) => (
          <li key={source.n}>
            <SourceButton source={source} />
          </li>
        ))}
      </ul>
      {uncited.length > 0 && (
        <details className="source-list-more">
          <summary>{uncited.length} more retrieved, not cited</summary>
          <ul className="plain-list">
            {uncited.map((source) => (
              <li key={source.n}>
                <SourceButton source={source} />
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
