import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Readable, Transform } from 'node:stream';
import zlib from 'node:zlib';
import { UpstreamError, ValidationError } from '../core/errors/index.ts';
import { describeUrlSafely } from '../core/safe-url.ts';

const redirectStatuses = new Set([301, 302, 303, 307, 308]);

/** A redirect chain that comes back to a URL it visited, or goes on longer than allowed. */
export class RedirectLoopError extends ValidationError {
  constructor(message: string) {
    super(message);
    this.name = 'RedirectLoopError';
  }
}

/** How {@link openGuardedResponse} sends and follows. */
export interface GuardedRequestOptions {
  headers: Record<string, string>;
  maxRedirects: number;
  /** Checks a target before it is requested (`checkUrlTarget` with the crawl's opt-in). */
  check: (url: URL) => Promise<void>;
  /** The connection-time resolver (`createGuardedLookup`), so DNS rebinding is refused too. */
  lookup: LookupFunction;
  signal: AbortSignal;
  /** Told of every URL about to be requested (for error messages). */
  onHop?: (url: URL) => void;
}

/** The final response, its body unread, and the redirects that led to it. */
export interface GuardedResponse {
  response: IncomingMessage;
  url: URL;
  redirects: URL[];
}

/**
 * GETs `start`, following redirects by hand so that every hop is checked before it is requested; a
 * chain that revisits a URL or exceeds `maxRedirects` is a {@link RedirectLoopError}. Resolves with the
 * response head; the caller reads (or destroys) the body.
 */
export async function openGuardedResponse(
  start: URL,
  options: GuardedRequestOptions,
): Promise<GuardedResponse> {
  const visited = new Set<string>();
  const redirects: URL[] = [];
  let current = start;
  for (;;) {
    options.onHop?.(current);
    await untilAborted(options.check(current), options.signal);
    visited.add(current.href);
    const response = await send(current, options.headers, options.lookup, options.signal);
    const location = response.headers.location;
    if (!redirectStatuses.has(response.statusCode ?? 0) || location === undefined) {
      return { response, url: current, redirects };
    }
    // The body of a redirect is of no use; closing the response also closes its own socket.
    response.destroy();
    const next = redirectTarget(location, current);
    if (visited.has(next.href)) {
      throw new RedirectLoopError(
        `Redirect loop: ${describePage(current)} redirects to ${describePage(next)}, which was already visited.`,
      );
    }
    if (redirects.length >= options.maxRedirects) {
      throw new RedirectLoopError(
        `Too many redirects from ${describePage(start)}: gave up after ${options.maxRedirects} (a redirect loop?).`,
      );
    }
    redirects.push(next);
    current = next;
  }
}

/**
 * The body of a response with its `content-encoding` undone; `transforms` are the zlib streams in
 * between (destroy them when done). Throws `UpstreamError` for an encoding it cannot undo.
 */
export function decodedBody(response: IncomingMessage): { body: Readable; transforms: Transform[] } {
  const status = response.statusCode ?? 0;
  // 204 and 304 have no body, whatever content-encoding they repeat from the full response.
  const transforms = status === 204 || status === 304 ? [] : decoders(response.headers['content-encoding']);
  let body: Readable = response;
  for (const transform of transforms) {
    const upstream = body;
    upstream.on('error', (error) => transform.destroy(error));
    // Errors reach the reader through the last stream; the others must not go unhandled.
    transform.on('error', () => {});
    body = upstream.pipe(transform);
  }
  return { body, transforms };
}

/**
 * A page's address for messages: origin and path, the query elided (it may carry a token); a crawled
 * site's paths are what the user asked to crawl, so they are shown.
 */
export function describePage(url: URL): string {
  return `${url.origin}${url.pathname}${url.search ? '?…' : ''}`;
}

/** Rejects with the signal's reason as soon as it aborts, for work (a DNS lookup) that cannot be cancelled. */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener('abort', abort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', abort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(error);
      },
    );
  });
}

/** Resolves with the response head; the body is left unread. */
function send(
  target: URL,
  headers: Record<string, string>,
  lookup: LookupFunction,
  signal: AbortSignal,
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = (target.protocol === 'https:' ? https : http).request(
      target,
      // No shared agent: a pooled socket would skip the guarded lookup, and it may have been opened by a
      // request that was allowed to reach private networks.
      { method: 'GET', headers, lookup, agent: false, signal },
      resolve,
    );
    // `on`, not `once`: the socket can fail again after the response arrived (or was cut short).
    request.on('error', reject);
    request.end();
  });
}

function redirectTarget(location: string, from: URL): URL {
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    throw new UpstreamError(`${describeUrlSafely(from.href)} redirects to an invalid URL.`);
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
    throw new ValidationError(
      `${describeUrlSafely(from.href)} redirects to ${describeUrlSafely(next.href)}; ` +
        'only http and https URLs can be crawled.',
    );
  }
  return next;
}

/** Zlib streams that undo `content-encoding`, in the order to apply them (the last coding first). */
function decoders(contentEncoding: string | undefined): Transform[] {
  const codings = (contentEncoding ?? '')
    .split(',')
    .map((coding) => coding.trim().toLowerCase())
    .filter((coding) => coding !== '' && coding !== 'identity');
  return codings.reverse().map((coding) => {
    if (coding === 'gzip' || coding === 'x-gzip') return zlib.createGunzip();
    if (coding === 'deflate') return zlib.createInflate();
    if (coding === 'br') return zlib.createBrotliDecompress();
    throw new UpstreamError(`The server sent a body in an unsupported encoding (${coding}).`);
  });
}
