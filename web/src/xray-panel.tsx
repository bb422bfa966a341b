import type { XrayData } from './api-types.ts';
import { SourceButton } from './source-button.tsx';

/** The collapsible X-ray of an answer: the standalone question, the passages and the prompt. */
export function XrayPanel({ xray }: { xray: XrayData }) {
  const promptEntries = xray.prompt.map((message, position) => ({ ...message, position }));
  return (
    <details className="xray-panel">
      <summary>X-ray: how this answer was made</summary>
      <h3 className="section-label">Standalone question</h3>
      <p>{xray.standaloneQuestion}</p>
      <h3 className="section-label">Retrieved passages ({xray.passages.length})</h3>
      <ol className="plain-list xray-passages">
        {xray.passages.map((passage) => (
          <li key={passage.n}>
            <SourceButton source={passage} />
            {passage.text && <pre className="xray-text">{passage.text}</pre>}
          </li>
        ))}
      </ol>
      <h3 className="section-label">Prompt ({xray.prompt.length} messages)</h3>
      {promptEntries.map((entry) => (
        <div key={entry.position} className="xray-prompt-message">
          <p className="xray-role">{entry.role}</p>
          <pre className="xray-text">{entry.content}</pre>
        </div>
      ))}
    </details>
  );
}
