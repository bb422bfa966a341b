import type { Command } from 'commander';
import { type CrawlSiteConfig, parseCrawlSite } from '../../core/config.ts';
import { ValidationError } from '../../core/errors/index.ts';
import type { CrawlSummary } from '../../crawl/crawl-types.ts';
import { type CliIo, withServices } from '../cli-context.ts';
import { exitCodes } from '../exit-codes.ts';
import { formatCrawlSummary } from '../format-crawl-summary.ts';
import { waitForStop } from '../stop-signal.ts';

/** `quarry crawl` flags as commander gives them. */
interface CrawlFlags {
  depth?: string;
  maxPages?: string;
  include?: string[];
  exclude?: string[];
  render?: boolean;
  source?: string;
  concurrency?: string;
  allowPrivateNetworks?: boolean;
  json?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Registers `quarry crawl`. */
export function registerCrawlCommand(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program
    .command('crawl')
    .description(
      'crawl documentation sites into the knowledge base (robots.txt, sitemaps and Retry-After respected; only changed pages are re-read); without URLs, the sites of crawl.sites',
    )
    .argument('[url...]', 'start URLs (http or https)')
    .option('--depth <n>', 'link hops followed from a start URL (default 2)')
    .option('--max-pages <n>', 'pages crawled at most (default 500)')
    .option(
      '--include <glob>',
      'only crawl URL paths matching this glob (repeatable), e.g. /docs/**',
      collect,
    )
    .option('--exclude <glob>', 'never crawl URL paths matching this glob (repeatable)', collect)
    .option('--render', 'render pages in Chromium (for sites built by JavaScript)')
    .option('--source <name>', 'knowledge-base source name (default: the host)')
    .option('--concurrency <n>', 'pages fetched at once from the host (default 4)')
    .option('--allow-private-networks', 'allow loopback, private and link-local addresses (intranet docs)')
    .option('--json', 'print the summary as JSON')
    .action(async (urls: string[], flags: CrawlFlags, command: Command) => {
      await withServices(command, io, async (services) => {
        const sites = urls.length > 0 ? [siteFromFlags(urls, flags)] : services.config.crawl.sites;
        if (sites.length === 0) {
          throw new ValidationError('Name a URL to crawl, or list sites under crawl.sites in quarry.yaml.', {
            hint: 'Example: quarry crawl https://docs.example.com/ --depth 2',
          });
        }
        const stop = waitForStop(services.logger);
        try {
          const { checkCrawlSite, crawlSite } = await import('../../crawl/crawl-site.ts');
          // Bad or private start URLs are refused before the knowledge base is even opened.
          for (const site of sites) await checkCrawlSite(site, services.config.crawl);
          const dependencies = await services.crawlDependencies();
          const summaries: CrawlSummary[] = [];
          for (const site of sites) {
            if (stop.signal.aborted) break;
            summaries.push(await crawlSite(dependencies, site, { signal: stop.signal }));
          }
          const knowledge = await services.knowledge();
          if (!stop.signal.aborted) await knowledge.fillVectors({ signal: stop.signal });
          if (flags.json)
            io.stdout(`${JSON.stringify(summaries.length === 1 ? summaries[0] : summaries, null, 2)}\n`);
          else for (const summary of summaries) io.stdout(formatCrawlSummary(summary));
          setExitCode(exitCodeOf(summaries));
        } finally {
          stop.dispose();
        }
      });
    });
}

function siteFromFlags(urls: string[], flags: CrawlFlags): CrawlSiteConfig {
  return parseCrawlSite({
    urls,
    ...(flags.depth !== undefined ? { depth: flags.depth } : {}),
    ...(flags.maxPages !== undefined ? { maxPages: flags.maxPages } : {}),
    ...(flags.include ? { include: flags.include } : {}),
    ...(flags.exclude ? { exclude: flags.exclude } : {}),
    ...(flags.render ? { render: true } : {}),
    ...(flags.source !== undefined ? { source: flags.source } : {}),
    ...(flags.concurrency !== undefined ? { concurrency: flags.concurrency } : {}),
    ...(flags.allowPrivateNetworks ? { allowPrivateNetworks: true } : {}),
  });
}

/** 1 when a crawl was stopped or some page failed, so scripts notice; 0 when every page was handled. */
function exitCodeOf(summaries: CrawlSummary[]): number {
  const troubled = summaries.some((summary) => summary.interrupted || summary.failed.total > 0);
  return troubled ? exitCodes.someWorkFailed : exitCodes.ok;
}
