/// <reference lib="dom" />
// The DOM types describe the linkedom document this walks (jsdom used to bring them in).
import { memoise } from '../../core/memoise.ts';
import type { DocumentSection } from './document-types.ts';

/** The readable text of an HTML page, cut into sections at its headings. */
export interface ExtractedHtml {
  /** Readability's article title, else the page's `<title>`. */
  title?: string;
  /**
   * One block per paragraph, list item (`- item`), heading, table row (cells joined by ` | `) or line of
   * preformatted code; blocks are separated by a blank line. Section lines count lines of this text.
   */
  text: string;
  sections: DocumentSection[];
}

/** Elements whose content is never part of the readable text. */
const skippedElements: ReadonlySet<string> = new Set([
  'script',
  'style',
  'noscript',
  'template',
  'nav',
  'footer',
  'iframe',
  'object',
  'embed',
  'svg',
  'canvas',
  'button',
  'select',
  'head',
]);

/** Elements that start and end a line of text of their own. */
const blockElements: ReadonlySet<string> = new Set([
  'address',
  'article',
  'aside',
  'blockquote',
  'caption',
  'dd',
  'details',
  'div',
  'dl',
  'dt',
  'fieldset',
  'figcaption',
  'figure',
  'form',
  'header',
  'hr',
  'li',
  'main',
  'ol',
  'p',
  'section',
  'summary',
  'ul',
]);

/** Loaded on first use, so indexing code and Markdown never pays for the DOM. */
const domLibraries = memoise(async () => {
  const [{ parseHTML }, { Readability }] = await Promise.all([
    import('linkedom'),
    import('@mozilla/readability'),
  ]);
  return { parseHTML, Readability };
});

/**
 * Extracts the readable text of an HTML page: linkedom parses it (a light DOM, several times faster than jsdom for this) without running scripts or loading
 * anything, Readability keeps the main content (the whole body when it finds none), and a walk over the
 * result keeps headings, paragraphs, list items, code (with its line breaks) and tables, and drops
 * scripts, styles, navigation and footers.
 */
export async function extractHtml(html: string): Promise<ExtractedHtml> {
  const { parseHTML, Readability } = await domLibraries();
  const parse = (): Document => {
    const { document } = parseHTML(html);
    // linkedom builds no <html>/<body> around a bare fragment (or nothing at all for empty text), and
    // Readability needs both; a wrapper gives fragments the document a browser would build.
    if (document.documentElement && document.body) return document as unknown as Document;
    return parseHTML(`<!doctype html><html><head></head><body>${html}</body></html>`)
      .document as unknown as Document;
  };
  const document = parse();
  prepareForReadability(document);
  const pageTitle = (document.title ?? '').trim();
  // Readability hands back its article as a DOM node (no serialising and re-parsing); it rewrites the
  // document it reads, so a page where it finds no article is parsed again for the whole-body fallback.
  const article = new Readability(document, { serializer: (node: Node) => node }).parse();
  const root = (article?.content as Element | null | undefined) ?? parse().body;
  const { text, sections } = new TextWalker().walk(root);
  const title = article?.title?.trim() || pageTitle;
  return title === '' ? { text, sections } : { title, text, sections };
}

/**
 * Navigation and footers are never content, yet on a short page Readability may pick a footer as the
 * article; and a heading whose id or class happens to contain a word such as "widget" or "sidebar" is
 * dropped by its "unlikely content" rules. Both are dealt with before it reads the page.
 */
function prepareForReadability(document: Document): void {
  for (const element of Array.from(document.querySelectorAll('nav, footer'))) element.remove();
  for (const heading of Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6'))) {
    heading.removeAttribute('id');
    heading.removeAttribute('class');
  }
}

/** Turns a cleaned DOM into text lines and sections, one pass, heading by heading. */
class TextWalker {
  private readonly lines: string[] = [];
  private readonly sections: DocumentSection[] = [];
  private readonly trail: Array<{ level: number; text: string }> = [];
  /** Inline text gathered for the current block; `<br>` starts a new entry. */
  private inline: string[] = [''];
  private prefix = '';
  private lastBlockWasListItem = false;

  walk(root: Element): { text: string; sections: DocumentSection[] } {
    this.sections.push({ headingPath: [], startLine: 1, endLine: 0 });
    this.visitChildren(root);
    this.flush();
    this.closeSection();
    return {
      text: this.lines.join('\n'),
      sections: this.sections.filter((section) => section.endLine >= section.startLine),
    };
  }

  private visitChildren(node: Node): void {
    for (const child of Array.from(node.childNodes)) this.visit(child);
  }

  private visit(node: Node): void {
    if (node.nodeType === node.TEXT_NODE) {
      this.append(node.textContent ?? '');
      return;
    }
    if (node.nodeType !== node.ELEMENT_NODE) return;
    const element = node as Element;
    const tag = element.localName;
    if (skippedElements.has(tag)) return;
    if (/^h[1-6]$/.test(tag)) {
      this.heading(Number(tag[1]), element);
    } else if (tag === 'pre') {
      this.preformatted(element);
    } else if (tag === 'table') {
      this.table(element);
    } else if (tag === 'br') {
      this.inline.push('');
    } else if (blockElements.has(tag)) {
      this.flush();
      if (tag === 'li') this.prefix = '- ';
      this.visitChildren(element);
      this.flush();
    } else {
      this.visitChildren(element);
    }
  }

  private append(text: string): void {
    const last = this.inline.length - 1;
    this.inline[last] = (this.inline[last] ?? '') + text;
  }

  private heading(level: number, element: Element): void {
    this.flush();
    const text = collapse(element.textContent ?? '');
    if (text === '') return;
    this.closeSection();
    while ((this.trail.at(-1)?.level ?? 0) >= level) this.trail.pop();
    this.trail.push({ level, text });
    this.sections.push({
      headingPath: this.trail.map((entry) => entry.text),
      startLine: this.lines.length + 1,
      endLine: 0,
    });
    this.block([text]);
  }

  private preformatted(element: Element): void {
    this.flush();
    const code = (element.textContent ?? '').replace(/^\n+|\s+$/g, '');
    this.block(code.split('\n').map((line) => line.trimEnd()));
  }

  private table(element: Element): void {
    this.flush();
    const rows = Array.from(element.querySelectorAll('tr')).map((row) =>
      Array.from(row.children)
        .filter((cell) => cell.localName === 'td' || cell.localName === 'th')
        .map((cell) => collapse(cell.textContent ?? ''))
        .join(' | '),
    );
    this.block(rows.filter((row) => row.replaceAll('|', '').trim() !== ''));
  }

  /** Ends the current block of inline text. */
  private flush(): void {
    const lines = this.inline.map(collapse).filter((line) => line !== '');
    if (lines.length > 0) this.block([`${this.prefix}${lines[0]}`, ...lines.slice(1)], this.prefix !== '');
    this.inline = [''];
    this.prefix = '';
  }

  /** Adds a block after a blank line; list items follow each other directly, as in Markdown. */
  private block(lines: string[], listItem = false): void {
    if (lines.length === 0) return;
    if (this.lines.length > 0 && !(listItem && this.lastBlockWasListItem)) this.lines.push('');
    this.lines.push(...lines);
    this.lastBlockWasListItem = listItem;
  }

  private closeSection(): void {
    const current = this.sections.at(-1);
    if (current !== undefined) current.endLine = this.lines.length;
  }
}

function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
