import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetryableError, UnsafeInputError, UpstreamError, ValidationError } from '../core/errors/index.ts';
import { type FetchTextOptions, fetchText } from './fetch-text.ts';
import { BlockedAddressError, checkUrlTarget } from './network-guard.ts';

const kib = 1024;
const bigBodyBytes = 5 * 1024 * kib;

let server: http.Server;
let base: string;
let port: number;
/** Paths the server was asked for, to prove refused targets were never contacted. */
const requested: string[] = [];
/** Bytes the endless route had written when its connection closed (`undefined` while open). */
let endlessBytesWritten: number | undefined;

function route(request: http.IncomingMessage, response: http.ServerResponse): void {
  const path = request.url ?? '/';
  requested.push(path);
  if (path === '/robots.txt') {
    response.setHeader('content-type', 'text/plain; charset=utf-8');
    response.end(`User-agent: *\nDisallow: /private\n# ${request.headers['user-agent']}\n`);
  } else if (path === '/moved') {
    response.writeHead(301, { location: '/robots.txt' }).end('moved');
  } else if (path === '/loop-a') {
    response.writeHead(302, { location: '/loop-b' }).end();
  } else if (path === '/loop-b') {
    response.writeHead(302, { location: `${base}/loop-a` }).end();
  } else if (path.startsWith('/chain/')) {
    const hop = Number(path.slice('/chain/'.length));
    response.writeHead(307, { location: `/chain/${hop + 1}` }).end();
  } else if (path === '/to-localhost') {
    response.writeHead(302, { location: `http://localhost:${port}/secret` }).end();
  } else if (path === '/to-file') {
    response.writeHead(302, { location: 'file:///etc/passwd' }).end();
  } else if (path === '/big') {
    streamBody(response, bigBodyBytes);
  } else if (path === '/endless') {
    streamBody(response, Number.POSITIVE_INFINITY, (written) => {
      endlessBytesWritten = written;
    });
  } else if (path === '/sitemap.xml.gz') {
    const xml = `<?xml version="1.0"?><urlset>${'<url><loc>https://example.com/é</loc></url>'.repeat(100)}</urlset>`;
    response.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/xml' });
    response.end(zlib.gzipSync(Buffer.from(xml)));
  } else if (path === '/brotli') {
    response.writeHead(200, { 'content-encoding': 'br' });
    response.end(zlib.brotliCompressSync(Buffer.from('llms.txt über brotli')));
  } else if (path === '/deflate') {
    response.writeHead(200, { 'content-encoding': 'deflate' });
    response.end(zlib.deflateSync(Buffer.from('deflated text')));
  } else if (path === '/bomb') {
    // 20 MB of zeros compress to about 20 KB: the limit must count what comes out of gunzip.
    response.writeHead(200, { 'content-encoding': 'gzip' });
    response.end(zlib.gzipSync(Buffer.alloc(20 * 1024 * kib, 'a')));
  } else if (path === '/empty-gzip') {
    response.writeHead(200, { 'content-encoding': 'gzip', 'content-length': '0' }).end();
  } else if (path === '/bad-gzip') {
    response.writeHead(200, { 'content-encoding': 'gzip' }).end('this is not gzip');
  } else if (path === '/zstd') {
    response.writeHead(200, { 'content-encoding': 'zstd' }).end('compressed somehow');
  } else if (path === '/multibyte') {
    response.end('aaé');
  } else if (path === '/hang') {
    // Never answers.
  } else if (path === '/slow-body') {
    response.writeHead(200);
    response.write('start');
  } else {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
  }
}

/** Writes `total` bytes in chunks, with backpressure, and reports how much went out when the connection closed. */
function streamBody(response: http.ServerResponse, total: number, onClose?: (written: number) => void): void {
  const chunk = Buffer.alloc(16 * kib, 'x');
  let written = 0;
  response.on('close', () => onClose?.(written));
  const pump = () => {
    while (written < total && !response.destroyed) {
      written += chunk.length;
      if (!response.write(chunk)) {
        response.once('drain', pump);
        return;
      }
    }
    response.end();
  };
  pump();
}

beforeAll(async () => {
  server = http.createServer(route);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const local: FetchTextOptions = {
  allowPrivateNetworks: true,
  userAgent: 'QuarryBot/test',
  maxBytes: 64 * kib,
  timeoutMs: 5000,
};

async function failure(url: string, options: FetchTextOptions = local): Promise<unknown> {
  return fetchText(url, options).then(
    () => expect.unreachable('fetchText should have failed'),
    (error: unknown) => error,
  );
}

describe('fetchText', () => {
  it('fetches a text file and sends the user agent', async () => {
    const result = await fetchText(`${base}/robots.txt`, local);
    expect(result.status).toBe(200);
    expect(result.url).toBe(`${base}/robots.txt`);
    expect(result.truncated).toBe(false);
    expect(result.text).toContain('Disallow: /private');
    expect(result.text).toContain('QuarryBot/test');
    expect(result.headers['content-type']).toBe('text/plain; charset=utf-8');
  });

  it('returns a 404 instead of throwing', async () => {
    const result = await fetchText(`${base}/missing`, local);
    expect(result.status).toBe(404);
    expect(result.text).toBe('not here');
  });

  it('follows a relative redirect', async () => {
    const result = await fetchText(`${base}/moved`, local);
    expect(result.status).toBe(200);
    expect(result.url).toBe(`${base}/robots.txt`);
    expect(result.text).toContain('User-agent: *');
  });

  it('stops a redirect loop', async () => {
    const error = await failure(`${base}/loop-a`);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/redirect loop/i);
  });

  it('stops after too many redirects', async () => {
    const error = await failure(`${base}/chain/0`, { ...local, maxRedirects: 3 });
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/too many redirects/i);
    expect(requested.filter((path) => path.startsWith('/chain/'))).toEqual([
      '/chain/0',
      '/chain/1',
      '/chain/2',
      '/chain/3',
    ]);
  });

  it('refuses a redirect to a non-http URL', async () => {
    const error = await failure(`${base}/to-file`);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toContain('only http and https');
  });

  it('checks every redirect hop', async () => {
    // 127.0.0.1 stands in for an allowed public site; the redirect's target is checked for real.
    const targetCheck = (url: URL) =>
      url.hostname === '127.0.0.1' ? Promise.resolve() : checkUrlTarget(url, { allowPrivateNetworks: false });
    const error = await failure(`${base}/to-localhost`, { ...local, targetCheck });
    expect(error).toBeInstanceOf(BlockedAddressError);
    expect((error as Error).message).toContain('localhost');
    expect(requested).not.toContain('/secret');
  });

  it('refuses a private address before connecting', async () => {
    const before = requested.length;
    const error = await failure(`${base}/robots.txt`, { ...local, allowPrivateNetworks: false });
    expect(error).toBeInstanceOf(UnsafeInputError);
    expect((error as UnsafeInputError).hint).toContain('--allow-private-networks');
    expect(requested.length).toBe(before);
  });

  it('refuses a name that resolves to a private address at connection time (DNS rebinding)', async () => {
    const before = requested.length;
    // The check before the request passed (the name looked public then); the socket's lookup must refuse.
    const error = await failure(`http://localhost:${port}/robots.txt`, {
      ...local,
      allowPrivateNetworks: false,
      targetCheck: () => Promise.resolve(),
    });
    expect(error).toBeInstanceOf(BlockedAddressError);
    expect((error as Error).message).toContain('a loopback address');
    expect(requested.length).toBe(before);
  });

  it('cuts a large body at maxBytes', async () => {
    const result = await fetchText(`${base}/big`, local);
    expect(result.status).toBe(200);
    expect(result.truncated).toBe(true);
    expect(result.text.length).toBeLessThanOrEqual(64 * kib);
    expect(result.text.length).toBeGreaterThan(0);
  });

  it('stops downloading an endless body at maxBytes', async () => {
    const result = await fetchText(`${base}/endless`, local);
    expect(result.truncated).toBe(true);
    // The server notices the closed connection and stops writing.
    await expect.poll(() => endlessBytesWritten).toBeGreaterThan(0);
  });

  it('does not cut a body of exactly maxBytes', async () => {
    const result = await fetchText(`${base}/robots.txt`, { ...local, maxBytes: 5000 });
    const exact = Buffer.byteLength(result.text);
    const again = await fetchText(`${base}/robots.txt`, { ...local, maxBytes: exact });
    expect(again.truncated).toBe(false);
    expect(again.text).toBe(result.text);
  });

  it('drops a character split by the cut', async () => {
    // 'aaé' is 4 bytes; a cut after 3 would leave half of 'é'.
    const result = await fetchText(`${base}/multibyte`, { ...local, maxBytes: 3 });
    expect(result).toMatchObject({ text: 'aa', truncated: true });
  });

  it('decompresses gzip, deflate and brotli bodies', async () => {
    const sitemap = await fetchText(`${base}/sitemap.xml.gz`, local);
    expect(sitemap.text.startsWith('<?xml version="1.0"?><urlset>')).toBe(true);
    expect(sitemap.text).toContain('https://example.com/é');
    expect(sitemap.text.endsWith('</urlset>')).toBe(true);
    expect((await fetchText(`${base}/brotli`, local)).text).toBe('llms.txt über brotli');
    expect((await fetchText(`${base}/deflate`, local)).text).toBe('deflated text');
  });

  it('counts the limit on decompressed bytes', async () => {
    const result = await fetchText(`${base}/bomb`, local);
    expect(result.truncated).toBe(true);
    expect(result.text.length).toBe(64 * kib);
  });

  it('reads an empty gzip body as empty text', async () => {
    const result = await fetchText(`${base}/empty-gzip`, local);
    expect(result).toMatchObject({ status: 200, text: '', truncated: false });
  });

  it('reports a body that does not decompress', async () => {
    const error = await failure(`${base}/bad-gzip`);
    expect((error as Error).message).toMatch(/decompress/);
  });

  it('reports an encoding it cannot undo', async () => {
    const error = await failure(`${base}/zstd`);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as Error).message).toContain('zstd');
  });

  it('times out on a server that never answers', async () => {
    const started = Date.now();
    const error = await failure(`${base}/hang`, { ...local, timeoutMs: 200 });
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as Error).message).toMatch(/timed out after 200 ms/i);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('times out on a body that never ends', async () => {
    const error = await failure(`${base}/slow-body`, { ...local, timeoutMs: 200 });
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as Error).message).toMatch(/timed out/i);
  });

  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    const reason = new Error('crawl interrupted');
    setTimeout(() => controller.abort(reason), 50);
    const error = await failure(`${base}/hang`, { ...local, signal: controller.signal });
    expect(error).toBe(reason);
  });

  it('names the URL without its secrets when the network fails', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await failure(`http://127.0.0.1:${closedPort}/sitemap.xml?token=supersecret123`);
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as Error).message).toContain(`http://127.0.0.1:${closedPort}/…`);
    expect((error as Error).message).not.toContain('supersecret123');
  });

  it('refuses a URL that is not http(s)', async () => {
    await expect(fetchText('file:///etc/passwd', local)).rejects.toBeInstanceOf(ValidationError);
  });
});
