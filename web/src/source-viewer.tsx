import { useEffect, useRef } from 'react';
import { SourceBody } from './source-body.tsx';
import type { ViewableSource } from './source-viewer-context.ts';

/** Props of {@link SourceViewer}. */
export interface SourceViewerProps {
  source: ViewableSource;
  onClose: () => void;
}

/**
 * A modal dialog showing one source: the stored file with the cited lines highlighted, a link to
 * the web page, or the passage text. Escape or the Close button closes it, and focus goes back
 * to where it was.
 */
export function SourceViewer({ source, onClose }: SourceViewerProps) {
  const dialogRef = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);

  return (
    <dialog ref={dialogRef} className="source-viewer" aria-label="Source viewer" onClose={onClose}>
      <header className="source-viewer-header">
        <div>
          <h2 className="source-viewer-title">{source.citation}</h2>
          {source.heading && <p className="source-viewer-heading">{source.heading}</p>}
        </div>
        <button type="button" className="button-quiet" onClick={() => dialogRef.current?.close()}>
          Close
        </button>
      </header>
      <SourceBody source={source} />
    </dialog>
  );
}
