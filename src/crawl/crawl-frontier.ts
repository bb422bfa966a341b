import type { CrawlTally } from './crawl-tally.ts';
import { normalizeUrl } from './normalize-url.ts';
import type { RobotsRules } from './robots-txt.ts';
import type { UrlPolicy } from './url-policy.ts';

/** A page the crawl will visit, with the number of link hops from a start URL. */
export interface QueuedPage {
  url: string;
  depth: number;
}

/** What the frontier needs to decide about a URL. */
export interface FrontierOptions {
  policy: UrlPolicy;
  /** robots.txt rules by origin (`https://docs.example.com`); an origin without rules is allowed. */
  robots: ReadonlyMap<string, RobotsRules>;
  maxDepth: number;
  maxPages: number;
  tally: CrawlTally;
}

/**
 * Every URL the crawl has met, and the decision to visit it or not. Each URL is decided once: the first
 * time it is seen (normalised), so duplicates cost nothing and every skip is counted once with its
 * reason. At most `maxPages` pages are admitted.
 */
export class CrawlFrontier {
  readonly #seen = new Set<string>();
  #admitted = 0;

  constructor(private readonly options: FrontierOptions) {}

  /** Pages admitted so far. */
  get admitted(): number {
    return this.#admitted;
  }

  /** Whether `url` (normalised) was already met. */
  has(url: string): boolean {
    return this.#seen.has(url);
  }

  /** Marks a URL as met without visiting it (a canonical URL already handled under another address). */
  markSeen(url: string): void {
    this.#seen.add(url);
  }

  /**
   * Decides about the links found on a page at `depth` (hrefs resolved against `base`); returns the
   * pages to visit. Links that are not http(s) (mailto:, javascript:) are dropped silently.
   */
  admitLinks(hrefs: Iterable<string>, base: string, depth: number): QueuedPage[] {
    const admitted: QueuedPage[] = [];
    for (const href of hrefs) {
      const url = normalizeUrl(href, base);
      if (url === undefined) continue;
      const page = this.admit(url, depth);
      if (page) admitted.push(page);
    }
    return admitted;
  }

  /** Decides about one normalised URL met at `depth`; returns it when it is to be visited. */
  admit(url: string, depth: number): QueuedPage | undefined {
    if (this.#seen.has(url)) return undefined;
    this.#seen.add(url);
    const { tally, maxDepth, maxPages } = this.options;
    const verdict = this.options.policy.check(url);
    if (!verdict.allowed) {
      tally.skip(url, verdict.reason, describeSkip(verdict.reason));
      return undefined;
    }
    const robots = this.options.robots.get(new URL(url).origin);
    if (robots && !robots.isAllowed(url)) {
      tally.skip(url, 'robots', 'robots.txt disallows it for this crawler');
      return undefined;
    }
    if (depth > maxDepth) {
      tally.skip(url, 'depth', `more than ${maxDepth} links away from a start URL (raise --depth)`);
      return undefined;
    }
    if (this.#admitted >= maxPages) {
      tally.skip(url, 'max-pages', `the crawl reached --max-pages ${maxPages}`);
      return undefined;
    }
    this.#admitted += 1;
    return { url, depth };
  }
}

function describeSkip(reason: string): string {
  switch (reason) {
    case 'other-host':
      return 'on another host than the start URLs';
    case 'excluded':
      return 'matches an --exclude pattern';
    case 'not-included':
      return 'matches no --include pattern';
    case 'file-type':
      return 'a file type that is not a web page (image, archive, PDF, script, ...)';
    case 'url-trap':
      return 'looks like an endless URL space (calendar-style links, repeated segments, long URLs)';
    default:
      return reason;
  }
}
