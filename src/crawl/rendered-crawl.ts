import { existsSync } from 'node:fs';
import {
  Configuration,
  Log,
  LogLevel,
  PlaywrightCrawler,
  type PlaywrightCrawlingContext,
} from '@crawlee/playwright';
import { chromium, type Page, type Route } from 'playwright-core';
import { ValidationError } from '../core/errors/index.ts';
import { checkUrlTarget } from './network-guard.ts';
import type { PageRunner, PageRunnerOptions } from './page-runner.ts';
import { crawleeRunner, handleFailure, handleRetry, statusOutcome } from './page-runner.ts';

/** Where Debian and most distributions put Chromium (`npx playwright install` needs the internet). */
const chromiumCandidates = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

/** A quiet headless Chromium that works in containers and never phones home. */
const chromiumFlags = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Resources a text crawl never needs: skipping them makes rendering several times faster. */
const skippedResourceTypes = new Set(['image', 'media', 'font']);

/** Finds the Chromium to render with, or says how to install one. */
export function findChromium(configured: string | undefined): string {
  const candidates = configured ? [configured] : chromiumCandidates;
  const found = candidates.find((file) => existsSync(file));
  if (found) return found;
  throw new ValidationError(
    configured
      ? `crawl.chromiumPath ${configured} does not exist.`
      : '--render needs Chromium, which is not installed.',
    {
      hint: 'Install it (Debian/Ubuntu: sudo apt-get install -y chromium) or set crawl.chromiumPath to its executable.',
    },
  );
}

/**
 * Crawls pages that JavaScript builds, with Crawlee's PlaywrightCrawler driving the system Chromium.
 * Every request the page makes goes through the SSRF check (private addresses are refused unless
 * allowed); images, media and fonts are not loaded. Rendered pages cannot be fetched conditionally,
 * so "unchanged" is decided by the content hash of the rendered HTML.
 */
export function renderedPageRunner(
  options: PageRunnerOptions & { chromiumPath: string; allowPrivateNetworks: boolean },
): PageRunner {
  const allowedHosts = new Map<string, Promise<boolean>>();
  const crawler = new PlaywrightCrawler(
    {
      launchContext: {
        launcher: chromium,
        launchOptions: { executablePath: options.chromiumPath, headless: true, args: chromiumFlags },
      },
      browserPoolOptions: { useFingerprints: false },
      useSessionPool: false,
      maxConcurrency: options.settings.concurrency,
      minConcurrency: 1,
      maxRequestRetries: options.settings.retries,
      navigationTimeoutSecs: options.settings.pageTimeoutSeconds,
      requestHandlerTimeoutSecs:
        options.settings.pageTimeoutSeconds + options.settings.maxRetryAfterSeconds + 60,
      log: new Log({ level: LogLevel.OFF }),
      preNavigationHooks: [
        async (context, gotoOptions) => {
          await options.gate.take(
            new URL(context.request.url).host,
            options.settings.delaySeconds * 1000,
            options.signal,
          );
          if (gotoOptions) gotoOptions.waitUntil = 'networkidle';
          await pageOf(context).route('**/*', (route) =>
            guardRoute(route, allowedHosts, options.allowPrivateNetworks),
          );
        },
      ],
      requestHandler: async (context) => handleRenderedPage(context, options),
      errorHandler: async ({ request }, error) => handleRetry(request, error, options),
      failedRequestHandler: async ({ request }, error) => handleFailure(request, error, options),
    },
    new Configuration({ persistStorage: false, purgeOnStart: true }),
  );
  return crawleeRunner(crawler);
}

async function guardRoute(
  route: Route,
  allowedHosts: Map<string, Promise<boolean>>,
  allowPrivateNetworks: boolean,
): Promise<void> {
  const request = route.request();
  if (skippedResourceTypes.has(request.resourceType())) return route.abort('blockedbyclient');
  const url = new URL(request.url());
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return route.continue();
  let allowed = allowedHosts.get(url.host);
  if (!allowed) {
    allowed = checkUrlTarget(url.href, { allowPrivateNetworks }).then(
      () => true,
      () => false,
    );
    allowedHosts.set(url.host, allowed);
  }
  return (await allowed) ? route.continue() : route.abort('blockedbyclient');
}

async function handleRenderedPage(context: PlaywrightCrawlingContext, options: PageRunnerOptions) {
  const { request, response } = context;
  const page = pageOf(context);
  const depth = Number(request.userData.depth ?? 0);
  const status = response?.status() ?? 0;
  const headers = response ? await response.allHeaders() : {};
  const outcome = statusOutcome(request, status, headers, options);
  if (outcome === 'gone') return options.handler.gone(request.url, status);
  const links = await page.$$eval('a[href]', (anchors) =>
    anchors.map((anchor) => anchor.getAttribute('href') ?? ''),
  );
  const canonicalHref = await page
    .$eval('link[rel~="canonical"]', (link) => link.getAttribute('href') ?? '')
    .catch(() => '');
  await options.handler.downloaded({
    requestUrl: request.url,
    finalUrl: page.url(),
    depth,
    html: await page.content(),
    links,
    ...(canonicalHref ? { canonicalHref } : {}),
  });
}

/**
 * Crawlee types its page with the `playwright` package, which Quarry does not install (it drives the
 * system Chromium through `playwright-core`, the same API); this gives the page its real type.
 */
function pageOf(context: Pick<PlaywrightCrawlingContext, 'page'>): Page {
  return context.page as unknown as Page;
}
