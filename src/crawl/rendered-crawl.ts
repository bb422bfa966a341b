import { existsSync } from 'node:fs';
import {
  Configuration,
  Log,
  LogLevel,
  PlaywrightCrawler,
  type PlaywrightCrawlingContext,
} from '@crawlee/playwright';
import { chromium, type Page, type Response } from 'playwright-core';
import { formatByteSize } from '../core/byte-size.ts';
import { ValidationError } from '../core/errors/index.ts';
import { blockedHeader, type GuardedProxy, proxyErrorHeader, startGuardedProxy } from './guarded-proxy.ts';
import { PageFailed, PageSkipped } from './page-errors.ts';
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
  // WebRTC would otherwise send UDP straight to any address a page names, past the proxy.
  '--force-webrtc-ip-handling-policy=disable_non_proxied_udp',
];

/** Resources a text crawl never needs: skipping them makes rendering several times faster. */
const skippedResourceTypes = new Set(['image', 'media', 'font']);

/** HTML content types; a main document of any other type is skipped. */
const htmlTypes = new Set(['text/html', 'application/xhtml+xml']);

/** Links read from one page at most (a calendar or a tag cloud can hold tens of thousands). */
const maxLinksPerPage = 5000;

/** How long to wait after `load` for the network to go quiet; pages that poll never do. */
const networkIdleTimeoutMs = 3000;

/** Chromium's errors for a proxy that would not open a tunnel (or connect at all). */
const proxyFailure =
  /net::ERR_(TUNNEL_CONNECTION_FAILED|PROXY_CONNECTION_FAILED|HTTPS_PROXY_TUNNEL_RESPONSE)/;

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
 * All of Chromium's traffic (loopback included: `<-loopback>`) goes through a guarded proxy started for
 * the run, which checks every request, redirect hop, iframe and WebSocket against the SSRF rules (private
 * addresses are refused unless allowed) and resolves names itself, so DNS rebinding is caught too.
 * Service workers are blocked; images, media and fonts are not loaded. Rendered pages cannot be fetched
 * conditionally, so "unchanged" is decided by the content hash of the rendered HTML.
 */
export function renderedPageRunner(
  options: PageRunnerOptions & { chromiumPath: string; allowPrivateNetworks: boolean; maxPageBytes: number },
): PageRunner {
  let proxy: GuardedProxy | undefined;
  /** The main-frame URL whose load failed last, per request: the hop a refused redirect ended on. */
  const failedNavigations = new Map<string, string>();
  const crawler = new PlaywrightCrawler(
    {
      launchContext: {
        launcher: chromium,
        launchOptions: {
          executablePath: options.chromiumPath,
          headless: true,
          args: chromiumFlags,
          // Crawlee opens a persistent context, which takes context options at launch; a service worker's
          // fetches would bypass `page.route` (the proxy still sees them).
          serviceWorkers: 'block',
        },
      },
      browserPoolOptions: {
        useFingerprints: false,
        preLaunchHooks: [
          (_pageId, launchContext) => {
            if (!proxy) throw new Error('The guarded proxy of the rendered crawl is not running.');
            // Playwright turns this into --proxy-server and --proxy-bypass-list=<-loopback> (which sends
            // loopback through the proxy too); it also replaces the unguarded local proxy Crawlee sets.
            launchContext.launchOptions.proxy = { server: proxy.url, bypass: '<-loopback>' };
          },
        ],
      },
      useSessionPool: false,
      maxConcurrency: options.settings.concurrency,
      minConcurrency: 1,
      maxRequestRetries: options.settings.retries,
      navigationTimeoutSecs: options.settings.pageTimeoutSeconds,
      // The host's pause and crawl delay (pre-navigation hook) and the wait for network idle count too.
      requestHandlerTimeoutSecs:
        options.settings.pageTimeoutSeconds +
        options.settings.maxRetryAfterSeconds +
        options.settings.delaySeconds * options.settings.concurrency +
        networkIdleTimeoutMs / 1000 +
        60,
      log: new Log({ level: LogLevel.OFF }),
      preNavigationHooks: [
        async (context, gotoOptions) => {
          await options.gate.take(
            new URL(context.request.url).host,
            options.settings.delaySeconds * 1000,
            options.signal,
          );
          if (gotoOptions) gotoOptions.waitUntil = 'load';
          const page = pageOf(context);
          const key = context.request.uniqueKey;
          failedNavigations.delete(key);
          page.on('requestfailed', (request) => {
            if (request.isNavigationRequest() && request.frame() === page.mainFrame()) {
              failedNavigations.set(key, request.url());
            }
          });
          await page.route('**/*', (route) =>
            skippedResourceTypes.has(route.request().resourceType())
              ? route.abort('blockedbyclient')
              : route.continue(),
          );
        },
      ],
      postNavigationHooks: [
        async (context) => {
          const response = responseOf(context);
          if (!response) return;
          await checkMainResponse(response, proxy);
          if (response.ok()) {
            await pageOf(context)
              .waitForLoadState('networkidle', { timeout: networkIdleTimeoutMs })
              .catch(() => {});
          }
        },
      ],
      requestHandler: async (context) => {
        failedNavigations.delete(context.request.uniqueKey);
        await handleRenderedPage(context, options);
      },
      errorHandler: async ({ request }, error) =>
        handleRetry(
          request,
          navigationError(error, failedNavigations.get(request.uniqueKey) ?? request.url, proxy),
          options,
        ),
      failedRequestHandler: async ({ request }, error) => {
        const failedUrl = failedNavigations.get(request.uniqueKey);
        failedNavigations.delete(request.uniqueKey);
        handleFailure(request, navigationError(error, failedUrl ?? request.url, proxy), options);
      },
    },
    new Configuration({ persistStorage: false, purgeOnStart: true }),
  );
  const runner = crawleeRunner(crawler);
  return {
    ...runner,
    run: async () => {
      const started = await startGuardedProxy({ allowPrivateNetworks: options.allowPrivateNetworks });
      proxy = started;
      try {
        await runner.run();
      } finally {
        await started.close();
        failedNavigations.clear();
      }
    },
  };
}

/**
 * Refusals and failures of the guarded proxy on the main document, and main documents that are not
 * HTML. A refusal comes back as a 403 with the `x-quarry-blocked` header (only an http: answer can be
 * the proxy's own: an https: one passed through the tunnel unread).
 */
async function checkMainResponse(response: Response, proxy: GuardedProxy | undefined): Promise<void> {
  const headers = await response.allHeaders();
  const fromProxy = new URL(response.url()).protocol === 'http:';
  if (fromProxy && response.status() === 403 && headers[blockedHeader] === '1') {
    const reason =
      (await proxyText(response)) || proxy?.refusalFor(response.url()) || 'refused by the network guard';
    throw new PageFailed('private-network', reason, false);
  }
  const proxyError = headers[proxyErrorHeader];
  if (fromProxy && response.status() === 502 && proxyError) {
    throw new PageFailed('network', (await proxyText(response)) || 'HTTP 502', proxyError === 'retryable');
  }
  if (!response.ok()) return;
  const type = (headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (!htmlTypes.has(type))
    throw new PageSkipped('not-html', `served ${type || 'no Content-Type'}, not HTML`);
}

/** The one-line reason in the body of the proxy's answer. */
async function proxyText(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  return text.trim().slice(0, 500);
}

/**
 * Gives navigation errors their crawl meaning: a tunnel the guarded proxy refused (Chromium only says
 * `net::ERR_TUNNEL_CONNECTION_FAILED`) is a private-network failure; a download is not HTML.
 */
function navigationError(
  error: Error,
  failedUrl: string | undefined,
  proxy: GuardedProxy | undefined,
): Error {
  if (proxyFailure.test(error.message) && proxy && failedUrl) {
    const refusal = proxy.refusalFor(failedUrl);
    if (refusal) return new PageFailed('private-network', refusal, false);
  }
  if (error.message.includes('Download is starting')) {
    return new PageSkipped('not-html', 'served a download, not an HTML page');
  }
  return error;
}

async function handleRenderedPage(
  context: PlaywrightCrawlingContext,
  options: PageRunnerOptions & { maxPageBytes: number },
) {
  const { request } = context;
  const response = responseOf(context);
  const page = pageOf(context);
  const depth = Number(request.userData.depth ?? 0);
  const status = response?.status() ?? 0;
  const headers = response ? await response.allHeaders() : {};
  const outcome = statusOutcome(request, status, headers, options);
  if (outcome === 'gone') return options.handler.gone(request.url, status);
  const html = await page.content();
  const size = Buffer.byteLength(html);
  if (size > options.maxPageBytes) {
    throw new PageSkipped(
      'too-large',
      `the rendered page is ${formatByteSize(size)}, more than crawl.maxPageBytes (${formatByteSize(options.maxPageBytes)})`,
    );
  }
  const links = await page.$$eval(
    'a[href]',
    (anchors, limit) => anchors.slice(0, limit).map((anchor) => anchor.getAttribute('href') ?? ''),
    maxLinksPerPage,
  );
  const canonicalHref = await page
    .$eval('link[rel~="canonical"]', (link) => link.getAttribute('href') ?? '')
    .catch(() => '');
  await options.handler.downloaded({
    requestUrl: request.url,
    finalUrl: page.url(),
    depth,
    html,
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

/** The main document's response, typed like `pageOf`. */
function responseOf(context: Pick<PlaywrightCrawlingContext, 'response'>): Response | undefined {
  return (context.response ?? undefined) as unknown as Response | undefined;
}
