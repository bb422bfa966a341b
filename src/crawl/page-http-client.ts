import type { IncomingHttpHeaders } from 'node:http';
import { PassThrough, type Readable } from 'node:stream';
import type {
  BaseHttpClient,
  HttpRequest,
  HttpResponse,
  ResponseTypes,
  StreamingHttpResponse,
} from '@crawlee/cheerio';
import { formatByteSize } from '../core/byte-size.ts';
import { decodedBody, openGuardedResponse, RedirectLoopError } from './guarded-request.ts';
import { checkUrlTarget, createGuardedLookup, findBlockedError } from './network-guard.ts';
import { PageFailed, PageSkipped } from './page-errors.ts';
import { sniffHtmlCharset } from './sniff-charset.ts';

/** What the page client enforces. */
export interface PageHttpClientOptions {
  allowPrivateNetworks: boolean;
  userAgent: string;
  /** Decompressed bytes a page may have; a larger one is skipped without reading the rest. */
  maxPageBytes: number;
  /** Deadline of one page: connection, redirects and body together. */
  timeoutMs: number;
  maxRedirects?: number;
}

/** Bytes the HTML standard looks at for a `<meta charset>` (its "prescan" window). */
const prescanBytes = 1024;

/**
 * Crawlee's HTTP client, replaced by one that cannot be turned against private networks: every
 * redirect hop is checked before it is requested and names are resolved through the guarded lookup.
 * Pages over `maxPageBytes` are refused from their `Content-Length` or cut off while streaming (never
 * buffered whole), the whole page has one deadline, and a page that names its charset only in a
 * `<meta>` tag gets it added to its `Content-Type`, so Crawlee decodes it right.
 */
export function createPageHttpClient(options: PageHttpClientOptions): BaseHttpClient {
  const lookup = createGuardedLookup({ allowPrivateNetworks: options.allowPrivateNetworks });
  const check = (url: URL) => checkUrlTarget(url, { allowPrivateNetworks: options.allowPrivateNetworks });
  const client: BaseHttpClient = {
    stream: (request) => streamPage(request, options, { lookup, check }),
    sendRequest: async <T extends keyof ResponseTypes = 'text'>(request: HttpRequest<T>) => {
      const streamed = await streamPage(request as HttpRequest, options, { lookup, check });
      const chunks: Buffer[] = [];
      for await (const chunk of streamed.stream) chunks.push(chunk as Buffer);
      const bytes = Buffer.concat(chunks);
      const body = request.responseType === 'buffer' ? bytes : bytes.toString('utf8');
      return { ...streamed, body } as unknown as HttpResponse<T>;
    },
  };
  return client;
}

async function streamPage(
  request: HttpRequest,
  options: PageHttpClientOptions,
  guard: Pick<Parameters<typeof openGuardedResponse>[1], 'lookup' | 'check'>,
): Promise<StreamingHttpResponse> {
  const deadline = AbortSignal.timeout(options.timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, deadline]) : deadline;
  const url = new URL(String(request.url));
  let opened: Awaited<ReturnType<typeof openGuardedResponse>>;
  try {
    opened = await openGuardedResponse(url, {
      headers: requestHeaders(request, options.userAgent),
      maxRedirects: options.maxRedirects ?? 10,
      signal,
      ...guard,
    });
  } catch (error) {
    throw pageError(error, deadline, options);
  }
  const { response } = opened;
  const headers = { ...response.headers };
  const declared = Number(headers['content-length']);
  if (!headers['content-encoding'] && declared > options.maxPageBytes) {
    response.destroy();
    throw tooLarge(options, declared);
  }
  let stream: Readable;
  try {
    const { body, transforms } = decodedBody(response);
    const limited = limitBytes(body, options, () => {
      response.destroy();
      for (const transform of transforms) transform.destroy();
    });
    // Never unhandled: a dropped connection or the deadline may hit before anyone reads the body.
    limited.on('error', () => {});
    signal.addEventListener(
      'abort',
      () => limited.destroy(pageError(signal.reason, deadline, options) as Error),
      { once: true },
    );
    stream = await withSniffedCharset(limited, headers);
  } catch (error) {
    response.destroy();
    throw pageError(error, deadline, options);
  }
  // Crawlee must not see the compressed length: the body it reads is already decompressed.
  delete headers['content-encoding'];
  delete headers['content-length'];
  return {
    stream,
    statusCode: response.statusCode ?? 0,
    statusMessage: response.statusMessage ?? '',
    headers,
    trailers: {},
    url: opened.url.href,
    redirectUrls: opened.redirects,
    ...(response.socket?.remoteAddress ? { ip: response.socket.remoteAddress } : {}),
    complete: false,
    request,
    downloadProgress: { percent: 0, transferred: 0 },
    uploadProgress: { percent: 100, transferred: 0 },
  };
}

function requestHeaders(request: HttpRequest, userAgent: string): Record<string, string> {
  const headers: Record<string, string> = {
    accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5',
  };
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  headers['user-agent'] = userAgent;
  headers['accept-encoding'] = 'gzip, deflate, br';
  return headers;
}

/** Passes the body through until `maxPageBytes`; past it, the download stops with a skip. */
function limitBytes(body: Readable, options: PageHttpClientOptions, stopDownload: () => void): PassThrough {
  let received = 0;
  const limited = new PassThrough();
  body.on('error', (error) => limited.destroy(error));
  body.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > options.maxPageBytes) {
      stopDownload();
      limited.destroy(tooLarge(options));
      return;
    }
    if (!limited.write(chunk)) body.pause();
  });
  limited.on('drain', () => body.resume());
  body.on('end', () => limited.end());
  limited.on('close', () => {
    if (!body.readableEnded) stopDownload();
  });
  return limited;
}

/**
 * Reads the first bytes to find a `<meta charset>` when the header names none, then hands on a stream
 * that still starts with those bytes.
 */
async function withSniffedCharset(body: PassThrough, headers: IncomingHttpHeaders): Promise<Readable> {
  const type = headers['content-type'] ?? '';
  if (!/^\s*(text\/html|application\/xhtml\+xml)/i.test(type) || /charset=/i.test(type)) return body;
  const head = await readHead(body, prescanBytes);
  const charset = sniffHtmlCharset(head);
  if (charset) headers['content-type'] = `${type.split(';')[0]}; charset=${charset}`;
  const replay = new PassThrough();
  replay.write(head);
  body.on('error', (error) => replay.destroy(error));
  replay.on('close', () => body.destroy());
  body.pipe(replay);
  return replay;
}

async function readHead(body: Readable, bytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  while (length < bytes) {
    if (body.errored) throw body.errored;
    const chunk = body.read() as Buffer | null;
    if (chunk) {
      chunks.push(chunk);
      length += chunk.length;
      continue;
    }
    if (body.readableEnded || body.destroyed) break;
    await new Promise<void>((resolve) => {
      const done = () => {
        body.off('readable', done);
        body.off('end', done);
        body.off('close', done);
        body.off('error', done);
        resolve();
      };
      body.on('readable', done);
      body.on('end', done);
      body.on('close', done);
      body.on('error', done);
    });
  }
  if (body.errored) throw body.errored;
  return Buffer.concat(chunks);
}

function tooLarge(options: PageHttpClientOptions, declared?: number): PageSkipped {
  const size = declared === undefined ? 'more than' : `${formatByteSize(declared)}, more than`;
  return new PageSkipped(
    'too-large',
    `${size} crawl.maxPageBytes (${formatByteSize(options.maxPageBytes)}); the rest was not downloaded`,
  );
}

/** Gives network failures their crawl meaning (blocked, redirect loop, timeout). */
function pageError(error: unknown, deadline: AbortSignal, options: PageHttpClientOptions): unknown {
  if (error instanceof PageSkipped || error instanceof PageFailed) return error;
  const blocked = findBlockedError(error);
  if (blocked) return new PageFailed('private-network', blocked.message, false);
  if (error instanceof RedirectLoopError) return new PageFailed('redirect-loop', error.message, false);
  if (deadline.aborted) {
    return new PageFailed('timeout', `no complete answer within ${options.timeoutMs / 1000} s`, true);
  }
  return error;
}
