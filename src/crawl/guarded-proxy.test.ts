import type { LookupAddress } from 'node:dns';
import { existsSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo, type LookupFunction } from 'node:net';
import { chromium } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blockedHeader, type GuardedProxy, proxyErrorHeader, startGuardedProxy } from './guarded-proxy.ts';

/** A site on 127.0.0.1 that records every request and WebSocket upgrade it receives. */
interface Site {
  port: number;
  seen: string[];
  close(): Promise<void>;
}

async function startSite(): Promise<Site> {
  const seen: string[] = [];
  const server = http.createServer((request, response) => {
    seen.push(request.url ?? '');
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (request.url === '/redirect') {
      response.writeHead(302, { location: `http://${host}/target` }).end('moved');
    } else if (request.url === '/to-localhost') {
      response.writeHead(302, { location: `http://localhost:${host.split(':')[1]}/secret` }).end();
    } else if (request.url === '/frames') {
      const port = host.split(':')[1];
      response.writeHead(200, { 'content-type': 'text/html' }).end(
        `<iframe src="http://localhost:${port}/in-frame"></iframe>
         <script>new WebSocket('ws://localhost:${port}/socket');</script>`,
      );
    } else {
      response
        .writeHead(200, { 'content-type': 'text/plain', 'x-site': 'yes', 'set-cookie': ['a=1', 'b=2'] })
        .end(`hello from ${request.url}`);
    }
  });
  server.on('upgrade', (request, socket) => {
    seen.push(`upgrade ${request.url}`);
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A TCP echo server, the far end of a tunnel. */
async function startEcho(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A GET of `url` sent to the proxy in absolute form, as a browser does. */
function getThrough(proxy: GuardedProxy, url: string): Promise<Answer> {
  const { hostname, port } = new URL(proxy.url);
  return new Promise((resolve, reject) => {
    const request = http.request(
      { hostname, port, path: url, headers: { host: new URL(url).host }, agent: false },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => {
          body += chunk;
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
      },
    );
    request.on('error', reject);
    request.end();
  });
}

/** A `CONNECT target`; resolves with the status and, when it was accepted, the tunnel socket. */
function connectThrough(
  proxy: GuardedProxy,
  target: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; socket: net.Socket }> {
  const { hostname, port } = new URL(proxy.url);
  return new Promise((resolve, reject) => {
    const request = http.request({ hostname, port, method: 'CONNECT', path: target, agent: false });
    request.on('connect', (response, socket) => {
      socket.on('error', () => {});
      resolve({ status: response.statusCode ?? 0, headers: response.headers, socket });
    });
    request.on('error', reject);
    request.end();
  });
}

/** Sends a WebSocket handshake for `url` to the proxy; resolves with what comes back before the close. */
function upgradeThrough(proxy: GuardedProxy, url: string): Promise<string> {
  const { hostname, port } = new URL(proxy.url);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port) });
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => {
      received += chunk;
    });
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
    socket.write(
      `GET ${url} HTTP/1.1\r\nHost: ${new URL(url).host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
  });
}

function echoOnce(socket: net.Socket, text: string): Promise<string> {
  return new Promise((resolve) => {
    socket.once('data', (data) => resolve(String(data)));
    socket.write(text);
  });
}

let site: Site;
let proxy: GuardedProxy | undefined;

beforeEach(async () => {
  site = await startSite();
});

afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  await site.close();
});

describe('startGuardedProxy', () => {
  it('refuses a loopback target with 403 and the marker header, and the target sees nothing', async () => {
    proxy = await startGuardedProxy({ allowPrivateNetworks: false });
    expect(proxy.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const answer = await getThrough(proxy, `http://127.0.0.1:${site.port}/`);
    expect(answer.status).toBe(403);
    expect(answer.headers[blockedHeader]).toBe('1');
    expect(answer.body).toContain('Refusing to crawl 127.0.0.1: it is a loopback address.');
    expect(answer.body).not.toContain('    at ');
    expect(site.seen).toEqual([]);
    expect(proxy.refusalFor(`http://127.0.0.1:${site.port}/other`)).toContain('loopback');
  });

  it('forwards when private networks are allowed: status, headers and body intact, redirects not followed', async () => {
    proxy = await startGuardedProxy({ allowPrivateNetworks: true });
    const page = await getThrough(proxy, `http://127.0.0.1:${site.port}/page?x=1`);
    expect(page).toMatchObject({ status: 200, body: 'hello from /page?x=1' });
    expect(page.headers['x-site']).toBe('yes');
    expect(page.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(page.headers[blockedHeader]).toBeUndefined();

    const redirect = await getThrough(proxy, `http://127.0.0.1:${site.port}/redirect`);
    expect(redirect.status).toBe(302);
    expect(redirect.headers.location).toBe(`http://127.0.0.1:${site.port}/target`);
    expect(site.seen).toEqual(['/page?x=1', '/redirect']);
  });

  it('answers 502 with its own header when the target does not answer', async () => {
    const closedPort = site.port;
    await site.close();
    proxy = await startGuardedProxy({ allowPrivateNetworks: true });
    const answer = await getThrough(proxy, `http://127.0.0.1:${closedPort}/`);
    expect(answer.status).toBe(502);
    expect(answer.headers[proxyErrorHeader]).toBe('retryable');
    expect(answer.headers[blockedHeader]).toBeUndefined();
    site = await startSite();
  });

  it('refuses a CONNECT to a blocked target with 403', async () => {
    proxy = await startGuardedProxy({ allowPrivateNetworks: false });
    const tunnel = await connectThrough(proxy, `127.0.0.1:${site.port}`);
    expect(tunnel.status).toBe(403);
    expect(tunnel.headers[blockedHeader]).toBe('1');
    tunnel.socket.destroy();
    const v6 = await connectThrough(proxy, '[::1]:443');
    expect(v6.status).toBe(403);
    v6.socket.destroy();
    expect(proxy.refusalFor('https://[::1]/')).toContain('loopback');
    expect(site.seen).toEqual([]);
  });

  it('tunnels bytes through an allowed CONNECT', async () => {
    const echo = await startEcho();
    try {
      proxy = await startGuardedProxy({ allowPrivateNetworks: true });
      const tunnel = await connectThrough(proxy, `127.0.0.1:${echo.port}`);
      expect(tunnel.status).toBe(200);
      expect(await echoOnce(tunnel.socket, 'ping through the tunnel')).toBe('ping through the tunnel');
      tunnel.socket.destroy();
    } finally {
      await echo.close();
    }
  });

  it('honours an injected check, for plain HTTP and for CONNECT', async () => {
    const checked: string[] = [];
    proxy = await startLocalhostRefusingProxy(checked);
    const refused = await getThrough(proxy, `http://localhost:${site.port}/`);
    expect(refused.status).toBe(403);
    expect(refused.headers[blockedHeader]).toBe('1');
    expect(refused.body).toBe('localhost is off limits\n');
    const tunnel = await connectThrough(proxy, `localhost:${site.port}`);
    expect(tunnel.status).toBe(403);
    tunnel.socket.destroy();
    expect((await getThrough(proxy, `http://127.0.0.1:${site.port}/fine`)).status).toBe(200);
    expect(checked).toEqual([
      `http://localhost:${site.port}/`,
      `https://localhost:${site.port}/`,
      `http://127.0.0.1:${site.port}/fine`,
    ]);
    expect(site.seen).toEqual(['/fine']);
  });

  it('catches a name that rebinds to loopback between the check and the connection', async () => {
    let calls = 0;
    const rebinding: LookupFunction = (_hostname, options, callback) => {
      calls += 1;
      const address = calls === 1 ? '93.184.216.34' : '127.0.0.1';
      if (options.all) callback(null, [{ address, family: 4 }] satisfies LookupAddress[]);
      else callback(null, address, 4);
    };
    proxy = await startGuardedProxy({ allowPrivateNetworks: false, lookup: rebinding });
    const answer = await getThrough(proxy, `http://rebind.example:${site.port}/`);
    expect(calls).toBe(2);
    expect(answer.status).toBe(403);
    expect(answer.headers[blockedHeader]).toBe('1');
    expect(answer.body).toContain('127.0.0.1');
    calls = 0;
    const tunnel = await connectThrough(proxy, `rebind.example:${site.port}`);
    expect(tunnel.status).toBe(403);
    tunnel.socket.destroy();
    expect(site.seen).toEqual([]);
  });

  it('checks plain WebSocket upgrades sent in absolute form', async () => {
    proxy = await startGuardedProxy({
      allowPrivateNetworks: true,
      check: async (url) => {
        if (url.hostname === 'localhost') throw new Error('localhost is off limits');
      },
    });
    expect(await upgradeThrough(proxy, `ws://localhost:${site.port}/refused`)).toMatch(
      /^HTTP\/1\.1 403 Forbidden\r\n[\s\S]*x-quarry-blocked: 1/,
    );
    await upgradeThrough(proxy, `ws://127.0.0.1:${site.port}/allowed`);
    expect(site.seen).toEqual(['upgrade /allowed']);
  });

  it('closes promptly with a tunnel open', async () => {
    const echo = await startEcho();
    try {
      proxy = await startGuardedProxy({ allowPrivateNetworks: true });
      const tunnel = await connectThrough(proxy, `127.0.0.1:${echo.port}`);
      expect(await echoOnce(tunnel.socket, 'x')).toBe('x');
      const closed = new Promise((resolve) => tunnel.socket.once('close', resolve));
      const started = Date.now();
      await proxy.close();
      proxy = undefined;
      await closed;
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      await echo.close();
    }
  });
});

describe.skipIf(!existsSync('/usr/bin/chromium'))('Chromium through the guarded proxy', () => {
  async function launch(proxyUrl: string) {
    return chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--no-first-run',
        `--proxy-server=${proxyUrl}`,
        '--proxy-bypass-list=<-loopback>',
      ],
    });
  }

  it('sends loopback through the proxy, which refuses it', async () => {
    proxy = await startGuardedProxy({ allowPrivateNetworks: false });
    const browser = await launch(proxy.url);
    try {
      const page = await browser.newPage();
      const response = await page.goto(`http://127.0.0.1:${site.port}/`);
      expect(response?.status()).toBe(403);
      expect(response?.headers()[blockedHeader]).toBe('1');
      expect(site.seen).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('checks redirect hops, iframes and WebSockets', async () => {
    const checked: string[] = [];
    proxy = await startLocalhostRefusingProxy(checked);
    const browser = await launch(proxy.url);
    try {
      const page = await browser.newPage();
      const redirected = await page.goto(`http://127.0.0.1:${site.port}/to-localhost`);
      expect(redirected?.status()).toBe(403);
      expect(redirected?.headers()[blockedHeader]).toBe('1');
      await page.goto(`http://127.0.0.1:${site.port}/frames`, { waitUntil: 'load' });
      await page.waitForTimeout(300);
      const local = `localhost:${site.port}`;
      // The WebSocket comes as a CONNECT, checked as https://host:port/.
      expect(checked).toEqual(
        expect.arrayContaining([`http://${local}/secret`, `http://${local}/in-frame`, `https://${local}/`]),
      );
      expect(site.seen.filter((path) => path !== '/favicon.ico')).toEqual(['/to-localhost', '/frames']);
    } finally {
      await browser.close();
    }
  });
});

/** A proxy whose injected check records every target and refuses the name `localhost`. */
function startLocalhostRefusingProxy(checked: string[]) {
  return startGuardedProxy({
    allowPrivateNetworks: true,
    check: async (url) => {
      checked.push(url.href);
      if (url.hostname === 'localhost') throw new Error('localhost is off limits');
    },
  });
}
