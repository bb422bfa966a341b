import { useMemo } from 'react';
import Markdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import type { Source } from './api-types.ts';
import { linkCitationMarkers } from './citations.ts';
import { MarkdownLink } from './markdown-link.tsx';
import { useOpenSource } from './source-viewer-context.ts';
import { safeLinkUrl } from './urls.ts';

/** Props of {@link AnswerMarkdown}. */

/** GitHub-flavoured Markdown (tables, task lists, autolinks): models write it. Raw HTML stays text. */
const markdownPlugins = [remarkGfm];
export interface AnswerMarkdownProps {
  text: string;
  sources: Source[];
}

/**
 * An answer rendered as Markdown. Raw HTML stays text (no rehype-raw), only http(s) and relative
 * URLs survive, images become links (the page may not load remote images), and citation
 * markers become buttons that open the source viewer.
 */
export function AnswerMarkdown({ text, sources }: AnswerMarkdownProps) {
  const openSource = useOpenSource();
  const knownNumbers = useMemo(() => new Set(sources.map((source) => source.n)), [sources]);
  const markdown = useMemo(() => linkCitationMarkers(text, knownNumbers), [text, knownNumbers]);

  const components = useMemo<Components>(() => {
    const cite = (sourceNumber: number) => {
      const source = sources.find((candidate) => candidate.n === sourceNumber);
      if (source) openSource(source);
    };
    return {
      a: ({ href, children }) => (
        <MarkdownLink href={href} onCite={cite}>
          {children}
        </MarkdownLink>
      ),
      img: ({ src, alt }) => (
        <MarkdownLink href={typeof src === 'string' ? src : undefined} onCite={cite}>
          {alt || 'image'}
        </MarkdownLink>
      ),
    };
  }, [sources, openSource]);

  return (
    <div className="answer-text">
      <Markdown remarkPlugins={markdownPlugins} urlTransform={safeLinkUrl} components={components}>
        {markdown}
      </Markdown>
    </div>
  );
}
