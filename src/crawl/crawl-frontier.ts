import type { CrawlTally } from './crawl-tally.ts';
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
  /** robots.txt rules by host (`docs.example.com`, both schemes); a host without rules is allowed. */
  robots: ReadonlyMap<string, RobotsRules>;
  maxDepth: number;
  maxPages: number;
  tally: CrawlTally;
}

/**
 * Every URL the crawl has met, and the decision to visit it or not. A URL is decided once, the first
 * time it is seen (normalised), so duplicates cost nothing and every skip is counted once with its
 * reason; except that a URL met too deep may still be admitted when it is met again closer to a start
 * URL (retries and Crawlee's queue do not keep discovery strictly breadth-first). At most `maxPages`
 * pages are admitted.
 */
export class CrawlFrontier {
  /** Admitted, or refused for good (robots, policy, the page budget). */
  readonly #decided = new Set<string>();
  /** Admitted (or handled under another address): what a duplicate check asks about. */
  readonly #queued = new Set<string>();
  /** Refused for depth only, and counted as such once. */
  readonly #tooDeep = new Set<string>();
  #admitted = 0;

  constructor(private readonly options: FrontierOptions) {}

  /** Pages admitted so far. */
  get admitted(): number {
    return this.#admitted;
  }

  /** Whether `url` (normalised) is queued or was crawled (possibly under another address). */
  has(url: string): boolean {
    return this.#queued.has(url);
  }

  /** Marks a URL as handled without visiting it (a canonical URL handled under another address). */
  markSeen(url: string): void {
    this.#decided.add(url);
    this.#queued.add(url);
  }

  /** Decides about one normalised URL met at `depth`; returns it when it is to be visited. */
  admit(url: string, depth: number): QueuedPage | undefined {
    if (this.#decided.has(url)) return undefined;
    const { tally, maxDepth, maxPages } = this.options;
    if (depth > maxDepth) {
      if (!this.#tooDeep.has(url)) {
        this.#tooDeep.add(url);
        tally.skip(url, 'depth', `more than ${maxDepth} links away from a start URL (raise --depth)`);
      }
      return undefined;
    }
    this.#decided.add(url);
    // Cheap refusals first, so that refused URLs do not use up a URL pattern's page budget.
    const robots = this.options.robots.get(new URL(url).host);
    if (robots && !robots.isAllowed(url)) {
      tally.skip(url, 'robots', 'robots.txt disallows it for this crawler');
      return undefined;
    }
    if (this.#admitted >= maxPages) {
      tally.skip(url, 'max-pages', `the crawl reached --max-pages ${maxPages}`);
      return undefined;
    }
    const verdict = this.options.policy.check(url);
    if (!verdict.allowed) {
      tally.skip(url, verdict.reason, describeSkip(verdict.reason));
      return undefined;
    }
    this.#admitted += 1;
    this.#queued.add(url);
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
