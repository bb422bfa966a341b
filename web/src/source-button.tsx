import type { Source } from './api-types.ts';
import { useOpenSource } from './source-viewer-context.ts';

/** A `[n] citation` button that opens the source viewer on that source. */
export function SourceButton({ source }: { source: Source }) {
  const openSource = useOpenSource();
  return (
    <button type="button" className="source-button" onClick={() => openSource(source)}>
      <span className="source-number">[{source.n}]</span> {source.citation}
    </button>
  );
}
