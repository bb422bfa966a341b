import type { ReactNode } from 'react';
import { citationNumberFromHref } from './citations.ts';
import { isExternalUrl } from './urls.ts';

/** Props of {@link MarkdownLink}. */
export interface MarkdownLinkProps {
  href?: string | undefined;
  children?: ReactNode;
  onCite: (sourceNumber: number) => void;
}

/**
 * A link in an answer. `#cite-N` links (made from citation markers) become "Source N" buttons;
 * external links open in a new tab without access to this page; links whose URL was dropped
 * as unsafe render as plain text.
 */
export function MarkdownLink({ href, children, onCite }: MarkdownLinkProps) {
  const sourceNumber = citationNumberFromHref(href);
  if (sourceNumber !== undefined) {
    return (
      <button
        type="button"
        className="citation"
        aria-label={`Source ${sourceNumber}`}
        onClick={() => onCite(sourceNumber)}
      >
        [{sourceNumber}]
      </button>
    );
  }
  if (!href) return <span className="link-removed">{children}</span>;
  if (!isExternalUrl(href)) return <a href={href}>{children}</a>;
  return (
    <a href={href} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  );
}
