import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  brokenHtml,
  calendarHtml,
  jsRenderedHtml,
  latin1Html,
  logoPng,
  manualPdf,
  streamHuge,
} from './crawl-site-oddities.ts';
import {
  crawlSiteWords,
  docsPages,
  llmsText,
  minorPages,
  robotsText,
  sitemapXml,
  slowHtml,
} from './crawl-site-pages.ts';
import { htmlType, listen, type StoredPage, sendPage, sendStatus, storedPage } from './crawl-site-wire.ts';
import { closeServer } from './http-body.ts';

export {
  type GeneratedSite,
  type GeneratedSiteOptions,
  generatedPageWord,
  startGeneratedSite,
} from './crawl-site-generated.ts';
export { hugeBytes } from './crawl-site-oddities.ts';
export { crawlSiteWords };

/** One request the site received, whatever the answer was. */
export interface CrawlSiteRequest {
  method: string;
  /** Path and query as received, e.g. `/calendar?month=2026-01`. */
  path: string;
  /** As Node gives them: names lowercased. */
  headers: IncomingHttpHeaders;
  /** `Date.now()` when the request arrived. */
  at: number;
}

/** Options of {@link startCrawlSite}. */
export interface CrawlSiteOptions {
  /** Address to listen on; default `127.0.0.1` (an IPv6 address is bracketed in `origin`). */
  host?: string;
}

/** A running crawl test site; see {@link startCrawlSite}. */
export interface CrawlSite {
  /** e.g. `http://127.0.0.1:PORT`, no trailing slash. */
  readonly origin: string;
  /** `origin + path`. */
  url(path: string): string;
  /** Every request in arrival order; emptied in place by {@link CrawlSite.clearRequests}. */
  readonly requests: CrawlSiteRequest[];
  /** How many requests had exactly this path and query. */
  countFor(path: string): number;
  clearRequests(): void;
  /**
   * Creates or replaces a page (any path; query and trailing slash ignored). New content gets a new ETag
   * and a Last-Modified at least a second later than before; the same content keeps both. A removed
   * page comes back. Content type defaults to HTML.
   */
  setPage(path: string, body: string | Uint8Array, contentType?: string): void;
  /** Makes a path answer 404 or 410 until {@link CrawlSite.restorePage} or {@link CrawlSite.setPage}. */
  removePage(path: string, status: 404 | 410): void;
  /** Undoes {@link CrawlSite.removePage}: the page answers again with its old content and validators. */
  restorePage(path: string): void;
  /** Replaces robots.txt; `undefined` makes it answer 404. */
  setRobots(text: string | undefined): void;
  /**
   * The next `times` requests to a path (query ignored) answer `status`, with `Retry-After: retryAfter`
   * seconds when given. Replaces any failure already set for that path.
   */
  failNext(path: string, status: number, times?: number, retryAfter?: number): void;
  /** How long `/slow` waits before answering, in milliseconds; settable, default 10 000. */
  slowMs: number;
  /** Stops the server at once, cutting keep-alive, streaming and waiting (`/slow`) connections. */
  close(): Promise<void>;
}

/** An injected answer for the next requests to one path. */
interface Failure {
  status: number;
  retryAfter: number | undefined;
  remaining: number;
}

/** A route whose answer is computed per request rather than stored. */
type Route = (state: SiteState, request: IncomingMessage, response: ServerResponse, url: URL) => void;

/** Routes matched on the exact path, after stored pages (so `setPage` can override them). */
const routes: Readonly<Record<string, Route>> = {
  '/sitemap.xml': (state, request, response) => sendPage(request, response, state.sitemap()),
  '/calendar': (state, request, response, url) => {
    const html = calendarHtml(state.origin, url.searchParams.get('month') ?? '2026-01');
    if (html === undefined) sendStatus(response, 404);
    else sendPage(request, response, storedPage(html, htmlType, Date.parse('2026-01-01T00:00:00Z')));
  },
  '/redirect-loop/a': (_state, _request, response) =>
    sendStatus(response, 302, { location: '/redirect-loop/b' }),
  '/redirect-loop/b': (_state, _request, response) =>
    sendStatus(response, 302, { location: '/redirect-loop/a' }),
  // An absolute Location here, relative ones in the loop: crawlers must resolve both.
  '/moved': (state, _request, response) =>
    sendStatus(response, 301, { location: `${state.origin}/docs/guide` }),
  '/huge': (_state, request, response) => void streamHuge(request, response, true),
  '/huge-chunked': (_state, request, response) => void streamHuge(request, response, false),
  '/slow': (state, request, response) => state.answerSlowly(request, response),
};

/** The key of a stored page: the path without query, and without a trailing slash except for `/`. */
function pageKey(pathname: string): string {
  // `/docs/guide/` is the same page as `/docs/guide`, as on most static hosts.
  return pathname.length > 1 && pathname.endsWith('/') ? pathname.replace(/\/+$/, '') || '/' : pathname;
}

/** The site's pages and switches, and its request handling. */
class SiteState {
  readonly pages = new Map<string, StoredPage>();
  readonly removed = new Map<string, 404 | 410>();
  readonly failures = new Map<string, Failure>();
  readonly requests: CrawlSiteRequest[] = [];
  readonly timers = new Set<NodeJS.Timeout>();
  slowMs = 10_000;
  /** What `/slow` answers once it does; not a stored page, which would be served without the wait. */
  readonly slowPage: StoredPage;

  constructor(readonly origin: string) {
    for (const page of [...docsPages(origin), ...minorPages(origin)]) {
      this.pages.set(page.path, storedPage(page.html, htmlType, Date.parse(page.lastModified)));
    }
    const fixed = Date.parse('2026-01-02T08:00:00Z');
    const add = (path: string, body: string | Uint8Array, type: string) =>
      this.pages.set(path, storedPage(body, type, fixed));
    add('/robots.txt', robotsText(origin), 'text/plain; charset=utf-8');
    add('/llms.txt', llmsText(origin), 'text/plain; charset=utf-8');
    add('/broken-html', brokenHtml(), htmlType);
    add('/latin1', latin1Html(false), 'text/html; charset=iso-8859-1');
    add('/latin1-meta', latin1Html(true), 'text/html');
    add('/js-rendered', jsRenderedHtml(), htmlType);
    add(
      '/not-html.json',
      '{"name":"widgetry","version":"1.4.2","description":"Builds widgets"}\n',
      'application/json',
    );
    add('/assets/logo.png', logoPng, 'image/png');
    add('/files/manual.pdf', manualPdf(), 'application/pdf');
    this.slowPage = storedPage(slowHtml(origin), htmlType, fixed);
    this.failures.set('/rate-limited', { status: 429, retryAfter: 1, remaining: Number.POSITIVE_INFINITY });
    this.failures.set('/server-error-once', { status: 503, retryAfter: 0, remaining: 1 });
  }

  handle(request: IncomingMessage, response: ServerResponse): void {
    const method = request.method ?? 'GET';
    this.requests.push({ method, path: request.url ?? '/', headers: request.headers, at: Date.now() });
    if (method !== 'GET' && method !== 'HEAD') {
      sendStatus(response, 405, { allow: 'GET, HEAD' });
      return;
    }
    const url = new URL(request.url ?? '/', this.origin);
    const key = pageKey(url.pathname);
    const failure = this.takeFailure(key);
    const removed = this.removed.get(key);
    const page = this.pages.get(key);
    const route = routes[url.pathname];
    if (failure) sendStatus(response, failure.status, retryAfterHeader(failure.retryAfter));
    else if (removed) sendStatus(response, removed);
    else if (page) sendPage(request, response, page);
    else if (route) route(this, request, response, url);
    else sendStatus(response, 404);
  }

  setPage(path: string, body: string | Uint8Array, contentType: string): void {
    const key = pageKey(new URL(path, this.origin).pathname);
    const previous = this.pages.get(key);
    const next = storedPage(body, contentType, Date.now());
    this.removed.delete(key);
    if (previous?.etag === next.etag && previous.contentType === contentType) return;
    // Two changes within one second must still get different Last-Modified dates.
    if (previous) next.lastModified = Math.max(next.lastModified, previous.lastModified + 1000);
    this.pages.set(key, next);
  }

  /** The sitemap, its `<lastmod>` following the pages' Last-Modified as they change. */
  sitemap(): StoredPage {
    const entries = ['/', '/docs/intro', '/docs/guide', '/docs/api', '/orphan'].map((path) => ({
      path,
      lastModified: this.pages.get(path)?.lastModified ?? 0,
    }));
    const newest = Math.max(...entries.map((entry) => entry.lastModified));
    return storedPage(sitemapXml(this.origin, entries), 'application/xml; charset=utf-8', newest);
  }

  /** Answers `/slow` after `slowMs`; the timer goes when the client does, or when the site closes. */
  answerSlowly(request: IncomingMessage, response: ServerResponse): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      sendPage(request, response, this.slowPage);
    }, this.slowMs);
    this.timers.add(timer);
    response.once('close', () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    });
  }

  private takeFailure(key: string): Failure | undefined {
    const failure = this.failures.get(key);
    if (!failure || failure.remaining <= 0) return undefined;
    failure.remaining -= 1;
    return failure;
  }
}

function retryAfterHeader(seconds: number | undefined): Record<string, string> {
  return seconds === undefined ? {} : { 'retry-after': String(seconds) };
}

/**
 * Starts a real little documentation site (for the made-up library "Widgetry") on 127.0.0.1, with every
 * case a polite crawler must handle: robots groups, a sitemap, llms.txt, conditional GETs, canonical
 * duplicates, redirects and a redirect loop, an endless calendar, a 50 MB page, broken markup, Latin-1
 * bytes, 429s and 503s, a script-built page, non-HTML files, removable pages and a slow page.
 */
export async function startCrawlSite(options: CrawlSiteOptions = {}): Promise<CrawlSite> {
  let state: SiteState | undefined;
  const server = createServer((request, response) => {
    if (state) state.handle(request, response);
    else sendStatus(response, 503, retryAfterHeader(0));
  });
  const origin = await listen(server, options.host ?? '127.0.0.1');
  const site = new SiteState(origin);
  state = site;
  return {
    origin,
    url: (path) => `${origin}${path}`,
    requests: site.requests,
    countFor: (path) => site.requests.filter((request) => request.path === path).length,
    clearRequests: () => {
      site.requests.length = 0;
    },
    setPage: (path, body, contentType = htmlType) => site.setPage(path, body, contentType),
    removePage: (path, status) => site.removed.set(pageKey(new URL(path, origin).pathname), status),
    restorePage: (path) => site.removed.delete(pageKey(new URL(path, origin).pathname)),
    setRobots: (text) => {
      if (text === undefined) site.removed.set('/robots.txt', 404);
      else site.setPage('/robots.txt', text, 'text/plain; charset=utf-8');
    },
    failNext: (path, status, times = 1, retryAfter) => {
      site.failures.set(pageKey(new URL(path, origin).pathname), { status, retryAfter, remaining: times });
    },
    get slowMs() {
      return site.slowMs;
    },
    set slowMs(ms: number) {
      site.slowMs = ms;
    },
    close: async () => {
      for (const timer of site.timers) clearTimeout(timer);
      site.timers.clear();
      await closeServer(server);
    },
  };
}
