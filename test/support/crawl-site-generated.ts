import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { htmlType, listen, type StoredPage, sendPage, sendStatus, storedPage } from './crawl-site-wire.ts';
import { closeServer } from './http-body.ts';

/** Options of {@link startGeneratedSite}. */
export interface GeneratedSiteOptions {
  /** Number of pages, `/` included (at least 1). */
  pages: number;
  /** About how many links each page has (children plus two back links); default 5. */
  linksPerPage?: number;
  /** About how big each page is; default 4096. */
  bytesPerPage?: number;
  /** Also serve `/sitemap.xml` listing every page, and a robots.txt naming it; default false (both 404). */
  sitemap?: boolean;
}

/** A running generated site; see {@link startGeneratedSite}. */
export interface GeneratedSite {
  /** e.g. `http://127.0.0.1:PORT`. */
  origin: string;
  /** Every page's path: `/`, then `/page/<word>` for pages 1 … N-1 (`/page/zxaab`, …). */
  paths: readonly string[];
  /** Requests received so far, any path. */
  requestCount(): number;
  close(): Promise<void>;
}

/** Every generated page carries the same Last-Modified; validators come from the body's ETag. */
const generatedDate = Date.parse('2026-01-01T00:00:00Z');

/** Vocabulary of the filler text; the mix of lengths makes paragraphs look like prose to a chunker. */
const vocabulary = (
  'widget template option build compile cache worker batch module export import render update mount ' +
  'signal error parse config project source target bundle plugin router state event handler stream ' +
  'buffer queue index search token vector chunk section heading anchor link crawl fetch retry delay ' +
  'the a of to and in for with on by from as is are was be it that this which when then each every ' +
  'quickly slowly carefully rarely often always never gently simply directly'
).split(' ');

/** The one word found only on generated page `index` (`zxaaa` for `/`, `zxaab` for page 1, …). */
export function generatedPageWord(index: number): string {
  let letters = '';
  let rest = index;
  for (let place = 0; place < 3 || rest > 0; place += 1) {
    letters = String.fromCharCode(97 + (rest % 26)) + letters;
    rest = Math.floor(rest / 26);
  }
  return `zx${letters}`;
}

/** A small deterministic PRNG (mulberry32), so every run serves the same bytes. */
function random(seed: number): () => number {
  let value = seed >>> 0;
  return () => {
    value = (value + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(value ^ (value >>> 15), 1 | value);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Slugs, not numbers, as on real documentation sites (numbered paths would look like a URL trap). */
function pathOf(index: number): string {
  return index === 0 ? '/' : `/page/${generatedPageWord(index)}`;
}

/**
 * The pages `index` links to: its children in a `fanout`-ary tree, its parent and `/`. With fanout at least
 * the cube root of the page count, every page is within three hops of `/`.
 */
function linksOf(index: number, count: number, fanout: number): number[] {
  const children = Array.from({ length: fanout }, (_, offset) => fanout * index + offset + 1);
  const back = index === 0 ? [] : [Math.floor((index - 1) / fanout), 0];
  return [...new Set([...children.filter((child) => child < count), ...back])];
}

function words(next: () => number, count: number): string {
  return Array.from({ length: count }, () => vocabulary[Math.floor(next() * vocabulary.length)]).join(' ');
}

/** Page `index`: a nav of links, then an article of H2 sections with paragraphs up to about `bytes`. */
function pageHtml(origin: string, index: number, links: number[], bytes: number): string {
  const next = random(index + 1);
  const word = generatedPageWord(index);
  const nav = links.map((link) => `<li><a href="${pathOf(link)}">Page ${link}</a></li>`).join('\n');
  const head = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Generated page ${index}</title>
<link rel="canonical" href="${origin}${pathOf(index)}">
</head>
<body>
<nav><ul>
${nav}
</ul></nav>
<main><article>
<h1>Generated page ${index}: ${word}</h1>
<p>This page is the only one that mentions ${word}. ${words(next, 20)}.</p>
`;
  const tail = '</article></main>\n</body>\n</html>\n';
  const sections: string[] = [];
  let size = head.length + tail.length;
  for (let section = 1; size < bytes; section += 1) {
    const text = `<h2>Section ${section}: ${words(next, 3)}</h2>\n<p>${words(next, 40 + Math.floor(next() * 40))}.</p>\n`;
    sections.push(text);
    size += text.length;
  }
  return head + sections.join('') + tail;
}

/** A sitemap listing every page, without dates. */
function sitemapXml(origin: string, paths: readonly string[]): string {
  const urls = paths.map((path) => `<url><loc>${origin}${path}</loc></url>`).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${urls}
</urlset>
`;
}

/**
 * Starts a synthetic docs site of `pages` pages for benchmarks: `/` and `/page/<word>` for pages 1 … N-1, each about
 * `bytesPerPage` of text with headings and its own word ({@link generatedPageWord}), every page within
 * three links of `/`. Bodies are built at start, so serving one costs a map lookup and a write.
 */
export async function startGeneratedSite(options: GeneratedSiteOptions): Promise<GeneratedSite> {
  const count = Math.max(1, Math.floor(options.pages));
  const fanout = Math.max(2, (options.linksPerPage ?? 5) - 2, Math.ceil(Math.cbrt(count)));
  const bytes = options.bytesPerPage ?? 4096;
  const paths = Array.from({ length: count }, (_, index) => pathOf(index));
  let requests = 0;
  const cache = new Map<string, StoredPage>();
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    requests += 1;
    const page = cache.get((request.url ?? '/').split('?')[0] ?? '/');
    if (page) sendPage(request, response, page);
    else sendStatus(response, 404);
  });
  const origin = await listen(server, '127.0.0.1');
  // Built before the first request (about 0.3 ms a page), so a benchmark times the crawler, not this site.
  paths.forEach((path, index) => {
    const html = pageHtml(origin, index, linksOf(index, count, fanout), bytes);
    cache.set(path, storedPage(html, htmlType, generatedDate));
  });
  if (options.sitemap) {
    const robots = `User-agent: *\nAllow: /\n\nSitemap: ${origin}/sitemap.xml\n`;
    cache.set('/robots.txt', storedPage(robots, 'text/plain', generatedDate));
    cache.set('/sitemap.xml', storedPage(sitemapXml(origin, paths), 'application/xml', generatedDate));
  }
  return { origin, paths, requestCount: () => requests, close: () => closeServer(server) };
}
