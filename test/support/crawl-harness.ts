import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Services } from '../../src/app/create-services.ts';
import { openQuarry } from '../../src/app/open-quarry.ts';
import { parseCrawlSite } from '../../src/core/config.ts';
import { type CrawlDependencies, type CrawlRunOptions, crawlSite } from '../../src/crawl/crawl-site.ts';
import type { CrawlSummary } from '../../src/crawl/crawl-types.ts';
import type { KnowledgeHit } from '../../src/knowledge/search-knowledge.ts';
import { type CrawlSite, type CrawlSiteRequest, startCrawlSite } from './crawl-site.ts';

type CrawlSettings = CrawlDependencies['settings'];

/** How one crawl runs: a stop signal, `crawl` settings for this crawl only, and the crawler's clock. */
export type CrawlOptions = CrawlRunOptions & { settings?: Partial<CrawlSettings>; clock?: () => Date };

/** Options of {@link startCrawlHarness}. */
export interface CrawlHarnessOptions {
  /**
   * The `crawl` section of the configuration. Nothing is opted in by default: tests against the local
   * site pass `allowPrivateNetworks: true` themselves.
   */
  crawl?: Record<string, unknown>;
}

/** One crawl as a test asks for it: the `quarry crawl` options, by their `crawl.sites` names. */
export type CrawlRequest = Record<string, unknown> & { urls: string[] };

/** The local docs site, and a temporary Quarry home with the real SQLite catalog and knowledge base. */
export interface CrawlHarness {
  site: CrawlSite;
  services: Services;
  home: string;
  /** What `crawlSite` gets: the real composition, with a fast retry backoff. */
  dependencies: CrawlDependencies;
  /** The knowledge-base source of the site's pages (its host, `127.0.0.1:PORT`). */
  source: string;
  /**
   * Crawls with the options of `quarry crawl` (defaults filled in as the CLI does); `settings` overrides
   * the configuration's `crawl` section and `clock` the crawler's clock, for this crawl only.
   */
  crawl(request: CrawlRequest, options?: CrawlOptions): Promise<CrawlSummary>;
  /** Keyword search over the site's source. */
  search(text: string, limit?: number): Promise<KnowledgeHit[]>;
  /** The site's requests for pages: those of robots.txt, sitemap.xml and llms.txt left out. */
  pageRequests(): CrawlSiteRequest[];
  close(): Promise<void>;
}

const siteFiles = new Set(['/robots.txt', '/sitemap.xml', '/llms.txt']);

/** Starts a crawl test site and a temporary Quarry home wired the way `quarry crawl` wires it. */
export async function startCrawlHarness(options: CrawlHarnessOptions = {}): Promise<CrawlHarness> {
  const home = await mkdtemp(path.join(tmpdir(), 'quarry-crawl-'));
  const site = await startCrawlSite();
  const services = await openQuarry({
    cwd: home,
    environment: {},
    flags: { home, logLevel: 'silent', sync: { repos: [] }, crawl: options.crawl ?? {} },
    logFormat: 'json',
    write: () => {},
  });
  const dependencies: CrawlDependencies = { ...(await services.crawlDependencies()), retryBaseDelayMs: 10 };
  const source = new URL(site.origin).host;
  return {
    site,
    services,
    home,
    dependencies,
    source,
    crawl: (request, { settings, clock, ...runOptions } = {}) =>
      crawlSite(
        {
          ...dependencies,
          settings: { ...dependencies.settings, ...settings },
          ...(clock ? { clock } : {}),
        },
        parseCrawlSite(request),
        runOptions,
      ),
    search: async (text, limit = 10) => {
      const knowledge = await services.knowledge();
      const result = await knowledge.search({ text, mode: 'keyword', limit, filters: { sources: [source] } });
      return result.hits;
    },
    pageRequests: () => site.requests.filter((request) => !siteFiles.has(request.path)),
    close: async () => {
      await site.close();
      await services.close();
      await rm(home, { recursive: true, force: true });
    },
  };
}
