import { type ReactNode, useState } from 'react';
import { SourceViewer } from './source-viewer.tsx';
import { SourceViewerContext, type ViewableSource } from './source-viewer-context.ts';

/** Holds the source shown in the source viewer and lets any descendant open one. */
export function SourceViewerProvider({ children }: { children: ReactNode }) {
  const [source, setSource] = useState<ViewableSource | undefined>(undefined);
  return (
    <SourceViewerContext.Provider value={setSource}>
      {children}
      {source && <SourceViewer source={source} onClose={() => setSource(undefined)} />}
    </SourceViewerContext.Provider>
  );
}
