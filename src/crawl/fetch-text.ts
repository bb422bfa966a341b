import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { LookupFunction } from 'node:net';
import type { Readable, Transform } from 'node:stream';
import { QuarryError, RetryableError, UnsafeInputError, UpstreamError } from '../core/errors/index.ts';
import { describeUrlSafely, redactUrlSecrets } from '../core/safe-url.ts';
import { decodedBody, openGuardedResponse } from './guarded-request.ts';
import {
  checkUrlTarget,
  createGuardedLookup,
  findBlockedError,
  isBlockedError,
  parseHttpUrl,
} from './network-guard.ts';

/** Options of `fetchText`. */
export interface FetchTextOptions {
  /** Lets the request reach loopback, private and link-local addresses (`--allow-private-networks`). */
  allowPrivateNetworks: boolean;
  userAgent: string;
  /** Decompressed bytes read at most; the rest of the body is never downloaded. */
  maxBytes: number;
  /** Deadline of the whole call: every redirect hop, connection and body together. */
  timeoutMs: number;
  /** Redirects followed at most (5 when absent). */
  maxRedirects?: number;
  signal?: AbortSignal;
  /** Extra request headers, e.g. `if-none-match`; `user-agent` and `accept-encoding` are always ours. */
  headers?: Record<string, string>;
  /** For tests: replaces the `checkUrlTarget` call made before the request and every redirect hop. */
  targetCheck?: (url: URL) => Promise<void>;
  /** For tests: the resolver behind the connection-time guard (`dns.lookup` when absent). */
  lookup?: LookupFunction;
}

/** The final response of `fetchText`, after redirects. */
export interface FetchTextResult {
  status: number;
  /** The URL that answered, after redirects. */
  url: string;
  /** Response headers with lower-case names; repeated headers are joined with `, `. */
  headers: Record<string, string | undefined>;
  /** The body decompressed and decoded as UTF-8, cut at `maxBytes`. */
  text: string;
  /** `true` when the body was longer than `maxBytes` and the rest was not read. */
  truncated: boolean;
}

const defaultMaxRedirects = 5;

/**
 * A small guarded GET for robots.txt, sitemaps and llms.txt (not for pages). The target is checked with
 * `checkUrlTarget` before the request and before every redirect hop, and the connection itself resolves
 * names through `createGuardedLookup`, so neither redirects nor DNS rebinding reach a private network
 * unless `allowPrivateNetworks` is set. The body is streamed, decompressed (gzip, deflate, br) and cut at
 * `maxBytes` decompressed bytes. Any status is returned (a robots.txt 404 means "allow all"); failures
 * throw a `QuarryError` whose message shows the URL only as `describeUrlSafely` does, or the signal's
 * reason when `signal` aborted the call.
 */
export async function fetchText(url: string, options: FetchTextOptions): Promise<FetchTextResult> {
  const start = parseHttpUrl(url);
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline.signal]) : deadline.signal;
  const check =
    options.targetCheck ??
    ((target: URL) => checkUrlTarget(target, { allowPrivateNetworks: options.allowPrivateNetworks }));
  let current = start;
  try {
    const opened = await openGuardedResponse(start, {
      headers: requestHeaders(options),
      maxRedirects: options.maxRedirects ?? defaultMaxRedirects,
      check,
      lookup: createGuardedLookup({
        allowPrivateNetworks: options.allowPrivateNetworks,
        ...(options.lookup ? { lookup: options.lookup } : {}),
      }),
      signal,
      onHop: (url) => {
        current = url;
      },
    });
    return { url: opened.url.href, ...(await readBody(opened.response, options.maxBytes, signal)) };
  } catch (error) {
    throw fetchFailure(error, current, options, deadline.signal);
  } finally {
    clearTimeout(timer);
  }
}

function requestHeaders(options: FetchTextOptions): Record<string, string> {
  const headers: Record<string, string> = { accept: '*/*' };
  for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
  headers['user-agent'] = options.userAgent;
  // Only encodings `decoders` undoes may be offered.
  headers['accept-encoding'] = 'gzip, deflate, br';
  return headers;
}

async function readBody(
  response: IncomingMessage,
  maxBytes: number,
  signal: AbortSignal,
): Promise<Omit<FetchTextResult, 'url'>> {
  const status = response.statusCode ?? 0;
  const headers = flattenHeaders(response.headers);
  let transforms: Transform[];
  let body: Readable;
  try {
    ({ body, transforms } = decodedBody(response));
  } catch (error) {
    response.destroy();
    throw error;
  }
  let compressedBytes = 0;
  if (transforms.length > 0) response.on('data', (chunk: Buffer) => (compressedBytes += chunk.length));
  const abort = () => body.destroy(signal.reason);
  signal.addEventListener('abort', abort, { once: true });
  const utf8 = new TextDecoder('utf-8');
  let text = '';
  let received = 0;
  let truncated = false;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      const room = maxBytes - received;
      if (chunk.length > room) {
        // Streaming mode keeps a character split by the cut out of the text instead of garbling it.
        text += utf8.decode(chunk.subarray(0, room), { stream: true });
        received = maxBytes;
        truncated = true;
        break;
      }
      received += chunk.length;
      text += utf8.decode(chunk, { stream: true });
    }
    if (!truncated) text += utf8.decode();
  } catch (error) {
    // An empty body labelled gzip is not an error worth failing a robots.txt over.
    if (!(transforms.length > 0 && compressedBytes === 0 && isDecodeError(error))) throw error;
  } finally {
    signal.removeEventListener('abort', abort);
    // Stops the download (and closes the socket) when the body was cut or failed.
    response.destroy();
    for (const transform of transforms) transform.destroy();
  }
  return { status, headers, text, truncated };
}

function flattenHeaders(headers: IncomingHttpHeaders): Record<string, string | undefined> {
  const flat: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/** TLS failures that retrying will not fix. */
const certificateCodes = new Set([
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Turns whatever went wrong into a Quarry error that shows the URL only as `describeUrlSafely` does. */
function fetchFailure(error: unknown, url: URL, options: FetchTextOptions, deadline: AbortSignal): unknown {
  const blocked = findBlockedError(error);
  if (blocked !== undefined) return blocked;
  if (isBlockedError(error)) {
    return new UnsafeInputError(`Refusing to crawl ${url.hostname}: it is not a public address.`, {
      cause: error,
    });
  }
  if (QuarryError.is(error)) return error;
  if (options.signal?.aborted) return options.signal.reason;
  const target = describeUrlSafely(url.href);
  if (deadline.aborted) {
    return new RetryableError(`Timed out after ${options.timeoutMs} ms fetching ${target}.`, {
      cause: error,
    });
  }
  const code = errorCode(error);
  const detail = redactUrlSecrets(error instanceof Error ? error.message : String(error), url.href);
  if (code === 'ENOTFOUND' || code === 'ENODATA') {
    return new UpstreamError(`Could not fetch ${target}: no such host (${code}).`, { cause: error });
  }
  if (code !== undefined && certificateCodes.has(code)) {
    return new UpstreamError(`Could not fetch ${target}: its TLS certificate is not valid (${detail}).`, {
      cause: error,
    });
  }
  if (isDecodeError(error)) {
    return new UpstreamError(`Could not decompress the body of ${target} (${detail}).`, { cause: error });
  }
  return new RetryableError(`Could not fetch ${target}: ${detail}.`, { cause: error });
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Zlib reports `Z_DATA_ERROR` and the like; Brotli `ERR__ERROR_FORMAT_...`. */
function isDecodeError(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && (code.startsWith('Z_') || code.startsWith('ERR__ERROR_'));
}
