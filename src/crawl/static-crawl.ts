import {
  type BaseHttpClient,
  CheerioCrawler,
  type CheerioCrawlingContext,
  Configuration,
  Log,
  LogLevel,
} from '@crawlee/cheerio';
import { PageSkipped } from './page-errors.ts';
import type { PageRunner, PageRunnerOptions } from './page-runner.ts';
import { crawleeRunner, handleFailure, handleRetry, statusOutcome } from './page-runner.ts';

/** Every 4xx and 5xx status: the page handler decides about each, not Crawlee's defaults. */
const allErrorStatuses = Array.from({ length: 200 }, (_, index) => 400 + index);

/** Links read per page: a page with more is a link farm, not documentation. */
const maxLinksPerPage = 5_000;

/** HTML content types; anything else is skipped before its body is read. */
const htmlTypes = new Set(['text/html', 'application/xhtml+xml']);

/**
 * Crawls static pages with Crawlee's CheerioCrawler over Quarry's guarded HTTP client, each request
 * waiting first for its host's pause and crawl delay: conditional GETs for pages the index holds, and every status
 * routed to the page handler so that 304, 404/410 and retryable answers each get their meaning.
 */
export function staticPageRunner(options: PageRunnerOptions & { httpClient: BaseHttpClient }): PageRunner {
  const { handler, settings } = options;
  const crawler = new CheerioCrawler(
    {
      httpClient: options.httpClient,
      useSessionPool: false,
      maxConcurrency: settings.concurrency,
      // Start at full (polite, user-chosen) concurrency instead of ramping up from one.
      minConcurrency: settings.concurrency,
      maxRequestRetries: settings.retries,
      navigationTimeoutSecs: settings.pageTimeoutSeconds,
      // The host's pause and crawl delay are waited for inside the handler's time, not the page's.
      requestHandlerTimeoutSecs:
        settings.pageTimeoutSeconds +
        settings.maxRetryAfterSeconds +
        settings.delaySeconds * settings.concurrency +
        60,
      additionalMimeTypes: ['*/*'],
      ignoreHttpErrorStatusCodes: allErrorStatuses,
      log: new Log({ level: LogLevel.OFF }),
      preNavigationHooks: [
        async ({ request }, requestOptions) => {
          // Before the page's own deadline starts: waiting for a crawl delay is not a slow page.
          await options.gate.take(new URL(request.url).host, settings.delaySeconds * 1000, options.signal);
          requestOptions.headers = {
            ...requestOptions.headers,
            ...(await handler.conditionalHeaders(request.url)),
          };
        },
      ],
      postNavigationHooks: [
        ({ request, response }) => {
          if (response?.statusCode !== 200) return;
          const type = String(response.headers['content-type'] ?? '')
            .split(';')[0]
            ?.trim()
            .toLowerCase();
          if (!htmlTypes.has(type ?? '')) {
            request.noRetry = true;
            response.destroy();
            throw new PageSkipped('not-html', `served ${type || 'no Content-Type'}, not HTML`);
          }
        },
      ],
      requestHandler: async (context) => handleStaticPage(context, options),
      errorHandler: async ({ request }, error) => handleRetry(request, error, options),
      failedRequestHandler: async ({ request }, error) => handleFailure(request, error, options),
    },
    new Configuration({ persistStorage: false, purgeOnStart: true }),
  );
  return crawleeRunner(crawler);
}

async function handleStaticPage(context: CheerioCrawlingContext, options: PageRunnerOptions) {
  const { request, response, $ } = context;
  const depth = Number(request.userData.depth ?? 0);
  const outcome = statusOutcome(request, response.statusCode ?? 0, response.headers, options);
  if (outcome === 'not-modified') {
    return options.handler.notModified(request.url, depth, headerText(response.headers.etag));
  }
  if (outcome === 'gone') return options.handler.gone(request.url, response.statusCode ?? 0);
  const etag = headerText(response.headers.etag);
  const lastModified = headerText(response.headers['last-modified']);
  await options.handler.downloaded({
    requestUrl: request.url,
    finalUrl: request.loadedUrl ?? request.url,
    depth,
    html: String(context.body),
    // toArray + attribs, not cheerio's map: its map concatenates arrays and is quadratic in the links.
    links: $('a[href]')
      .toArray()
      .slice(0, maxLinksPerPage)
      .flatMap((element) => element.attribs.href ?? []),
    ...optional('canonicalHref', $('link[rel~="canonical"]').attr('href')),
    ...optional('etag', etag),
    ...optional('lastModified', lastModified),
  });
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value ? { [key]: value } : {}) as { [P in K]?: string };
}
