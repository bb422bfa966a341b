import { formatLineRange } from './format.ts';
import { SourceFile } from './source-file.tsx';
import type { ViewableSource } from './source-viewer-context.ts';
import { safeLinkUrl } from './urls.ts';

/** The content of the source viewer: the stored file, a link to the page, or the passage text. */
export function SourceBody({ source }: { source: ViewableSource }) {
  if (source.key) {
    return (
      <SourceFile
        key={`${source.key}:${source.startLine}:${source.endLine}`}
        fileKey={source.key}
        startLine={source.startLine}
        endLine={source.endLine}
      />
    );
  }
  const url = source.url ? safeLinkUrl(source.url) : '';
  return (
    <div className="source-viewer-body">
      {url && (
        <p>
          <a href={url} target="_blank" rel="noopener noreferrer">
            Open {source.url}
          </a>
        </p>
      )}
      {source.text ? (
        <pre className="source-text">{source.text}</pre>
      ) : (
        !url && (
          <p className="muted">
            No preview is available for {source.path} ({formatLineRange(source.startLine, source.endLine)}).
          </p>
        )
      )}
    </div>
  );
}
