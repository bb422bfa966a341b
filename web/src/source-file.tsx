import { useEffect, useMemo, useRef, useState } from 'react';
import { apiRequest, errorMessage, isAbortError } from './api-client.ts';
import { formatLineRange } from './format.ts';
import { sourceContentUrl } from './urls.ts';

/** Props of {@link SourceFile}. */
export interface SourceFileProps {
  /** Object-store key of the file. */
  fileKey: string;
  startLine: number;
  endLine: number;
}

type FileState =
  | { status: 'loading' }
  | { status: 'loaded'; text: string }
  | { status: 'failed'; error: string };

/** A stored file with line numbers, scrolled to and highlighting `startLine..endLine`. */
export function SourceFile({ fileKey, startLine, endLine }: SourceFileProps) {
  const [state, setState] = useState<FileState>({ status: 'loading' });
  const firstHighlightedRef = useRef<HTMLSpanElement>(null);

  useEffect(() => {
    const controller = new AbortController();
    apiRequest(sourceContentUrl(fileKey), { headers: { accept: 'text/plain' }, signal: controller.signal })
      .then((response) => response.text())
      .then((text) => setState({ status: 'loaded', text }))
      .catch((error: unknown) => {
        if (!isAbortError(error)) setState({ status: 'failed', error: errorMessage(error) });
      });
    return () => controller.abort();
  }, [fileKey]);

  const lines = useMemo(() => (state.status === 'loaded' ? numberLines(state.text) : []), [state]);

  useEffect(() => {
    if (lines.length > 0) firstHighlightedRef.current?.scrollIntoView({ block: 'center' });
  }, [lines]);

  if (state.status === 'loading') {
    return (
      <p className="source-viewer-body" role="status">
        Loading file…
      </p>
    );
  }
  if (state.status === 'failed') {
    return (
      <p className="alert" role="alert">
        {state.error}
      </p>
    );
  }
  return (
    <div className="source-viewer-body">
      <p className="muted">Highlighted: {formatLineRange(startLine, endLine)}</p>
      <pre className="source-file">
        <code>
          {lines.map((line) => {
            const highlighted = line.number >= startLine && line.number <= endLine;
            return (
              <span
                key={line.number}
                ref={line.number === startLine ? firstHighlightedRef : undefined}
                className={highlighted ? 'source-line source-line-highlighted' : 'source-line'}
                data-line={line.number}
              >
                {line.text}
                {'\n'}
              </span>
            );
          })}
        </code>
      </pre>
    </div>
  );
}

function numberLines(text: string): Array<{ number: number; text: string }> {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  if (lines.length > 1 && lines.at(-1) === '') lines.pop();
  return lines.map((line, index) => ({ number: index + 1, text: line }));
}
