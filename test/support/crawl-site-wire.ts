import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A page body with the validators a real static host derives from it. */
export interface StoredPage {
  body: Buffer;
  contentType: string;
  /** Strong ETag: the quoted SHA-1 of the body. */
  etag: string;
  /** Epoch milliseconds, whole seconds (HTTP dates carry no milliseconds). */
  lastModified: number;
}

/** The content type of every HTML page the sites serve, unless a page says otherwise. */
export const htmlType = 'text/html; charset=utf-8';

/** A page for `body`, with its ETag computed and `lastModified` cut to whole seconds. */
export function storedPage(body: string | Uint8Array, contentType: string, lastModified: number): StoredPage {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
  const etag = `"${createHash('sha1').update(bytes).digest('hex')}"`;
  return { body: bytes, contentType, etag, lastModified: wholeSeconds(lastModified) };
}

/** Drops the milliseconds, so a Last-Modified sent and one compared later agree. */
export function wholeSeconds(epochMs: number): number {
  return Math.floor(epochMs / 1000) * 1000;
}

/**
 * Whether a conditional GET may be answered 304. As RFC 9110 says, `If-None-Match` wins when present (weak
 * comparison, `*` matches anything); otherwise `If-Modified-Since` not older than Last-Modified matches.
 */
export function notModified(headers: IncomingHttpHeaders, page: StoredPage): boolean {
  const ifNoneMatch = headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    const opaque = page.etag.replace(/^W\//, '');
    return ifNoneMatch
      .split(',')
      .map((tag) => tag.trim().replace(/^W\//, ''))
      .some((tag) => tag === '*' || tag === opaque);
  }
  const since = Date.parse(headers['if-modified-since'] ?? '');
  return !Number.isNaN(since) && page.lastModified <= since;
}

/** Answers with `page`: 304 without a body when the request's validators match, else 200 and the body. */
export function sendPage(request: IncomingMessage, response: ServerResponse, page: StoredPage): void {
  const validators = { etag: page.etag, 'last-modified': new Date(page.lastModified).toUTCString() };
  if (notModified(request.headers, page)) {
    response.writeHead(304, validators);
    response.end();
    return;
  }
  response.writeHead(200, {
    ...validators,
    'content-type': page.contentType,
    'content-length': String(page.body.length),
  });
  // Node drops the body of an answer to HEAD by itself.
  response.end(page.body);
}

/** Answers `status` with a tiny HTML body naming it, plus any extra headers (Location, Retry-After). */
export function sendStatus(
  response: ServerResponse,
  status: number,
  headers: Record<string, string> = {},
): void {
  const body = Buffer.from(
    `<!doctype html><html><head><title>${status}</title></head><body><h1>Status ${status}</h1></body></html>\n`,
  );
  response.writeHead(status, { ...headers, 'content-type': htmlType, 'content-length': String(body.length) });
  response.end(body);
}

/**
 * Writes one chunk and waits while the socket is full, so a streamed body is produced only as fast as the
 * client reads it. Resolves `false` once the client has gone, which ends the stream.
 */
export async function writeChunk(response: ServerResponse, chunk: Uint8Array): Promise<boolean> {
  if (response.destroyed) return false;
  if (response.write(chunk)) return true;
  return new Promise((resolve) => {
    const finish = (ok: boolean) => {
      response.off('drain', onDrain);
      response.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => finish(true);
    const onClose = () => finish(false);
    response.once('drain', onDrain);
    response.once('close', onClose);
  });
}

/** Listens on a free port of `host` and returns the origin, bracketing an IPv6 address. */
export async function listen(server: Server, host: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}
