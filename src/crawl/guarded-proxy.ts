import type { LookupAddress } from 'node:dns';
import http from 'node:http';
import net, { type AddressInfo, type LookupFunction } from 'node:net';
import type { Duplex } from 'node:stream';
import { RetryableError, UpstreamError } from '../core/errors/index.ts';
import { checkUrlTarget, createGuardedLookup, findBlockedError, isBlockedError } from './network-guard.ts';

/** Set on every answer in which the proxy refused a target: a site's own 403 never carries it. */
export const blockedHeader = 'x-quarry-blocked';
/**
 * Set on the 502 the proxy sends when it could not reach the target (DNS, refused connection); the value
 * is `retryable` or `final` (the name does not exist).
 */
export const proxyErrorHeader = 'x-quarry-proxy-error';

/** What the guarded proxy checks. */
export interface GuardedProxyOptions {
  /** Lets loopback, private, link-local and metadata addresses through (`--allow-private-networks`). */
  allowPrivateNetworks: boolean;
  /** Replaces the target check (`checkUrlTarget`); it throws to refuse. HTTPS targets come as `https://host:port/`. */
  check?: (url: URL) => Promise<void>;
  /** Resolves host names (defaults to `dns.lookup`); every connection still goes through the guard. */
  lookup?: LookupFunction;
}

/** A running guarded proxy. */
export interface GuardedProxy {
  /** `http://127.0.0.1:PORT`, for Chromium's `--proxy-server`. */
  url: string;
  /**
   * Why the proxy refused `url`'s host and port, when it did (recently). A refused CONNECT reaches the
   * browser only as `net::ERR_TUNNEL_CONNECTION_FAILED`; this tells a refusal from a network failure.
   */
  refusalFor(url: string | URL): string | undefined;
  /** Stops listening and cuts every open connection and tunnel. */
  close(): Promise<void>;
}

/** Headers that belong to one connection and are never forwarded (RFC 9110 §7.6.1). */
const hopByHopHeaders = new Set([
  'connection',
  'keep-alive',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
]);

/** How many refusals `refusalFor` remembers. */
const rememberedRefusals = 500;

/**
 * Starts an HTTP forward proxy on 127.0.0.1 that lets a browser reach only what `checkUrlTarget` allows:
 * every request, redirect hop, iframe, WebSocket and service-worker fetch of a browser pointed at it
 * (`--proxy-server`) is checked here, and connections resolve names through `createGuardedLookup`, so a
 * name that rebinds to a private address after the check is still refused. Plain HTTP requests are
 * forwarded (redirects are passed back, never followed); HTTPS and WebSockets tunnel through `CONNECT`.
 * Refusals are answered with 403 and the `x-quarry-blocked` header, unreachable targets with 502.
 */
export async function startGuardedProxy(options: GuardedProxyOptions): Promise<GuardedProxy> {
  const lookup = createGuardedLookup({
    allowPrivateNetworks: options.allowPrivateNetworks,
    ...(options.lookup ? { lookup: options.lookup } : {}),
  });
  const check =
    options.check ??
    ((url: URL) =>
      checkUrlTarget(url, {
        allowPrivateNetworks: options.allowPrivateNetworks,
        ...(options.lookup ? { lookup: lookupAll(options.lookup) } : {}),
      }));
  const sockets = new Set<Duplex>();
  const track = (socket: Duplex) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    // Errors end the socket; the matching request or tunnel handles the outcome.
    socket.on('error', () => {});
  };
  const refusals = new Map<string, string>();
  const refuse = (url: URL, reason: string) => {
    const key = targetKey(url);
    refusals.delete(key);
    refusals.set(key, reason);
    if (refusals.size > rememberedRefusals) refusals.delete(refusals.keys().next().value ?? '');
  };
  const context: ProxyContext = { check, lookup, track, refuse };

  const server = http.createServer((request, response) => {
    void forwardRequest(request, response, context);
  });
  server.on('connection', track);
  server.on('connect', (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    void openTunnel(request, socket, head, context);
  });
  server.on('upgrade', (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    void forwardUpgrade(request, socket, head, context);
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    refusalFor: (url) => {
      try {
        return refusals.get(targetKey(new URL(url)));
      } catch {
        return undefined;
      }
    },
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      await closed;
    },
  };
}

interface ProxyContext {
  check: (url: URL) => Promise<void>;
  lookup: LookupFunction;
  track: (socket: Duplex) => void;
  refuse: (url: URL, reason: string) => void;
}

/** The answer to a target the proxy will not or cannot reach. */
interface Refusal {
  status: 400 | 403 | 502;
  headers: Record<string, string>;
  reason: string;
}

/** Checks a target; a refusal (or unreachable name) comes back as the answer to give. */
async function checkTarget(url: URL, context: ProxyContext): Promise<Refusal | undefined> {
  try {
    await context.check(url);
    return undefined;
  } catch (error) {
    return refusalOf(url, error, context);
  }
}

/** What an error from the check or the connection means for the client. */
function refusalOf(url: URL, error: unknown, context: ProxyContext): Refusal {
  const blocked = findBlockedError(error);
  if (blocked || isBlockedError(error) || !isNetworkError(error)) {
    // The check refused (a BlockedAddressError, or any error of an injected check).
    const reason = blocked?.message ?? messageOf(error);
    context.refuse(url, reason);
    return { status: 403, headers: { [blockedHeader]: '1' }, reason };
  }
  const code = (error as { code?: unknown }).code;
  const final = code === 'ENOTFOUND' || error instanceof UpstreamError;
  return {
    status: 502,
    headers: { [proxyErrorHeader]: final ? 'final' : 'retryable' },
    reason: `Could not reach ${url.host}: ${messageOf(error)}`,
  };
}

/**
 * True for errors that mean "could not reach", not "must not reach": socket errors (with an errno code)
 * and the DNS failures `checkUrlTarget` reports as `UpstreamError` and `RetryableError`.
 */
function isNetworkError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error instanceof UpstreamError || error instanceof RetryableError) return true;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^E[A-Z_]+$/.test(code);
}

/** Forwards one absolute-form HTTP request (`GET http://host/path`), without following redirects. */
async function forwardRequest(
  request: http.IncomingMessage,
  response: http.ServerResponse,
  context: ProxyContext,
): Promise<void> {
  const target = absoluteHttpUrl(request.url ?? '');
  if (!target) {
    return answer(response, {
      status: 400,
      headers: {},
      reason: 'This proxy forwards absolute http:// URLs and CONNECT tunnels only.',
    });
  }
  const refusal = await checkTarget(target, context);
  if (refusal) return answer(response, refusal);
  if (response.destroyed) return;

  const upstream = http.request(target, {
    method: request.method ?? 'GET',
    // Host follows the URL that was checked, whatever the client claimed.
    headers: { ...forwardedHeaders(request.headers), host: target.host },
    lookup: context.lookup,
    agent: false,
  });
  upstream.on('socket', context.track);
  upstream.on('response', (reply) => {
    response.writeHead(reply.statusCode ?? 502, reply.statusMessage, returnedHeaders(reply.headers));
    reply.pipe(response);
    reply.on('error', () => response.destroy());
  });
  upstream.on('error', (error) => {
    if (response.headersSent) response.destroy();
    else answer(response, refusalOf(target, error, context));
  });
  response.on('close', () => {
    if (!response.writableFinished) upstream.destroy();
  });
  request.pipe(upstream);
}

/** `CONNECT host:port`: HTTPS and WebSockets, tunnelled after the same check as `https://host:port/`. */
async function openTunnel(
  request: http.IncomingMessage,
  socket: Duplex,
  head: Buffer,
  context: ProxyContext,
): Promise<void> {
  const target = connectTarget(request.url ?? '');
  if (!target) {
    return rawAnswer(socket, { status: 400, headers: {}, reason: 'CONNECT needs host:port.' });
  }
  const refusal = await checkTarget(target, context);
  if (refusal) return rawAnswer(socket, refusal);
  if (socket.destroyed) return;
  connectGuarded(target, socket, context, (upstream) => {
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) upstream.write(head);
  });
}

/** A plain `ws://` upgrade sent to the proxy as an absolute-form request: checked, then replayed. */
async function forwardUpgrade(
  request: http.IncomingMessage,
  socket: Duplex,
  head: Buffer,
  context: ProxyContext,
): Promise<void> {
  const target = absoluteHttpUrl(request.url ?? '');
  if (!target) {
    return rawAnswer(socket, { status: 400, headers: {}, reason: 'Upgrades need an absolute ws:// URL.' });
  }
  const refusal = await checkTarget(target, context);
  if (refusal) return rawAnswer(socket, refusal);
  if (socket.destroyed) return;
  connectGuarded(target, socket, context, (upstream) => {
    const lines = [`${request.method ?? 'GET'} ${target.pathname}${target.search} HTTP/1.1`];
    const raw = request.rawHeaders;
    for (let index = 0; index + 1 < raw.length; index += 2) {
      const name = raw[index] ?? '';
      // Connection and Upgrade are what this request is about; only the proxy's own headers go.
      if (/^proxy-/i.test(name)) continue;
      lines.push(`${name}: ${raw[index + 1] ?? ''}`);
    }
    upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
    if (head.length > 0) upstream.write(head);
  });
}

/**
 * Connects to the target's host and port, resolving the name through the guarded lookup; once connected,
 * `opened` writes what starts the exchange and the two sockets are spliced. A failure to connect is
 * answered on the client socket (403 when the lookup refused the address, 502 otherwise).
 */
function connectGuarded(
  target: URL,
  client: Duplex,
  context: ProxyContext,
  opened: (upstream: net.Socket) => void,
): void {
  const host = target.hostname.startsWith('[') ? target.hostname.slice(1, -1) : target.hostname;
  const port = Number(target.port || (target.protocol === 'https:' ? 443 : 80));
  const upstream = net.connect({ host, port, lookup: context.lookup });
  context.track(upstream);
  let connected = false;
  upstream.once('connect', () => {
    connected = true;
    opened(upstream);
    splice(client, upstream);
  });
  upstream.once('error', (error) => {
    if (!connected) rawAnswer(client, refusalOf(target, error, context));
  });
  // The client gave up while the connection was being made.
  client.once('close', () => {
    if (!connected) upstream.destroy();
  });
}

/** Pipes two sockets into each other; either one closing closes both. */
function splice(client: Duplex, upstream: Duplex): void {
  client.pipe(upstream);
  upstream.pipe(client);
  client.once('close', () => upstream.destroy());
  upstream.once('close', () => client.destroy());
}

/** `http://host/path` (or `ws://`, which is HTTP until the upgrade) as a URL; anything else is refused. */
function absoluteHttpUrl(text: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return undefined;
  }
  if (url.protocol === 'ws:') url = new URL(`http:${text.slice(3)}`);
  return url.protocol === 'http:' ? url : undefined;
}

/** `host:port` of a CONNECT (`[::1]:443` for IPv6) as `https://host:port/`. */
function connectTarget(text: string): URL | undefined {
  if (!/^(\[[0-9a-fA-F:.%]+\]|[^\s/?#@[\]:]+):\d{1,5}$/.test(text)) return undefined;
  try {
    const url = new URL(`https://${text}/`);
    const port = Number(text.slice(text.lastIndexOf(':') + 1));
    return port >= 1 && port <= 65535 ? url : undefined;
  } catch {
    return undefined;
  }
}

/** `host:port` with the scheme's default port filled in, the key of the refusal memory. */
function targetKey(url: URL): string {
  const port = url.port || (url.protocol === 'https:' || url.protocol === 'wss:' ? '443' : '80');
  return `${url.hostname.toLowerCase()}:${port}`;
}

function forwardedHeaders(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  return withoutHopByHop(headers, false);
}

function returnedHeaders(headers: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  return withoutHopByHop(headers, true);
}

/** Drops hop-by-hop and `proxy-*` headers, those the `Connection` header names, and (upstream) our marker. */
function withoutHopByHop(headers: http.IncomingHttpHeaders, fromUpstream: boolean): http.OutgoingHttpHeaders {
  const named = new Set(
    String(headers.connection ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );
  const kept: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || hopByHopHeaders.has(name) || named.has(name) || name.startsWith('proxy-')) {
      continue;
    }
    if (fromUpstream && (name === blockedHeader || name === proxyErrorHeader)) continue;
    kept[name] = value;
  }
  return kept;
}

function answer(response: http.ServerResponse, refusal: Refusal): void {
  if (response.headersSent || response.destroyed) {
    response.destroy();
    return;
  }
  const body = `${refusal.reason}\n`;
  response.writeHead(refusal.status, {
    ...refusal.headers,
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  response.end(body);
}

/** An HTTP answer written straight to a socket (after CONNECT or an upgrade), then the socket closed. */
function rawAnswer(socket: Duplex, refusal: Refusal): void {
  if (socket.destroyed) return;
  const body = `${refusal.reason}\n`;
  const statusText = { 400: 'Bad Request', 403: 'Forbidden', 502: 'Bad Gateway' }[refusal.status];
  const headers = {
    ...refusal.headers,
    'content-type': 'text/plain; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    connection: 'close',
  };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  socket.end(`HTTP/1.1 ${refusal.status} ${statusText}\r\n${lines.join('\r\n')}\r\n\r\n${body}`);
}

/** The promise form of a callback `lookup`, for `checkUrlTarget`. */
function lookupAll(lookup: LookupFunction) {
  return (hostname: string, options: { all: true }) =>
    new Promise<LookupAddress[]>((resolve, reject) => {
      lookup(hostname, options, (error, addresses, family) => {
        if (error) reject(error);
        else resolve(Array.isArray(addresses) ? addresses : [{ address: addresses, family: family ?? 4 }]);
      });
    });
}

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  // One line, no stack: this goes into an HTTP answer.
  return text.split('\n')[0]?.slice(0, 500) ?? '';
}
