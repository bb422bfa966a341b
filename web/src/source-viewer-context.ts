import { createContext, useContext } from 'react';
import type { Source } from './api-types.ts';

/** What the source viewer needs: a chat source, an X-ray passage or a search hit. */
export type ViewableSource = Pick<
  Source,
  'citation' | 'path' | 'startLine' | 'endLine' | 'url' | 'heading'
> & {
  key?: string | null | undefined;
  text?: string | undefined;
};

/** Opens the source viewer on a source; provided by `SourceViewerProvider`. */
export const SourceViewerContext = createContext<(source: ViewableSource) => void>(() => {});

/** The function that opens the source viewer dialog. */
export function useOpenSource(): (source: ViewableSource) => void {
  return useContext(SourceViewerContext);
}
