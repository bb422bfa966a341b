import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchWithIdleTimeout } from './fetch-with-idle-timeout.ts';

const idleMs = 200;

let server: Server;
let baseUrl: string;

/** Writes `count` chunks `gapMs` apart, then ends the response. */
function trickle(response: ServerResponse, count: number, gapMs: number): void {
  let sent = 0;
  const timer = setInterval(() => {
    sent += 1;
    response.write(`chunk ${sent}\n`);
    if (sent === count) {
      clearInterval(timer);
      response.end();
    }
  }, gapMs);
  response.on('close', () => clearInterval(timer));
}

beforeAll(async () => {
  server = createServer((request, response) => {
    switch (request.url) {
      case '/hang':
        // Reads the request and never answers, like a server still loading its model.
        return;
      case '/stall':
        response.writeHead(200, { 'content-type': 'text/event-stream' });
        response.write('data: first\n\n');
        return;
      case '/slow':
        response.writeHead(200, { 'content-type': 'text/plain' });
        // Each gap is well inside the idle time; all of them together are not.
        trickle(response, 12, idleMs / 4);
        return;
      case '/created':
        response.writeHead(201, 'Created', { 'content-type': 'application/json', 'x-request-id': 'r-1' });
        response.end('{"ok":true}');
        return;
      case '/empty':
        response.writeHead(204);
        response.end();
        return;
      default:
        response.writeHead(404);
        response.end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('fetchWithIdleTimeout', () => {
  it('fails with a TimeoutError saying how long when no headers arrive', async () => {
    const started = Date.now();
    const error = await rejection(fetchWithIdleTimeout(fetch, idleMs)(`${baseUrl}/hang`));
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).name).toBe('TimeoutError');
    expect((error as Error).message).toBe(`the model endpoint sent nothing for ${idleMs} ms`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(idleMs - 20);
  });

  it('fails the body with the TimeoutError when the stream stalls after its first chunk', async () => {
    const response = await fetchWithIdleTimeout(fetch, idleMs)(`${baseUrl}/stall`);
    expect(response.status).toBe(200);
    const reader = response.body?.getReader();
    if (reader === undefined) throw new Error('expected a body');
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('data: first\n\n');
    const error = await rejection(reader.read());
    expect((error as Error).name).toBe('TimeoutError');
    expect((error as Error).message).toContain(`${idleMs} ms`);
  });

  it('fails response.text() too when the body stalls', async () => {
    const response = await fetchWithIdleTimeout(fetch, idleMs)(`${baseUrl}/stall`);
    const error = await rejection(response.text());
    expect((error as Error).name).toBe('TimeoutError');
  });

  it('never cuts off a stream that keeps sending, however long it takes in total', async () => {
    const started = Date.now();
    const response = await fetchWithIdleTimeout(fetch, idleMs)(`${baseUrl}/slow`);
    const text = await response.text();
    expect(Date.now() - started).toBeGreaterThan(idleMs);
    expect(text.trim().split('\n')).toEqual(Array.from({ length: 12 }, (_, index) => `chunk ${index + 1}`));
  });

  it("rejects with the caller's own abort reason, before the idle time is up", async () => {
    const controller = new AbortController();
    const reason = new Error('the user pressed Ctrl+C');
    const pending = fetchWithIdleTimeout(fetch, 10_000)(`${baseUrl}/hang`, { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 20);
    const started = Date.now();
    expect(await rejection(pending)).toBe(reason);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("fails the body with the caller's abort reason when it aborts mid-stream", async () => {
    const controller = new AbortController();
    const reason = new Error('cancelled');
    const response = await fetchWithIdleTimeout(fetch, idleMs)(`${baseUrl}/stall`, {
      signal: controller.signal,
    });
    const reader = response.body?.getReader();
    if (reader === undefined) throw new Error('expected a body');
    await reader.read();
    const next = rejection(reader.read());
    controller.abort(reason);
    expect(await next).toBe(reason);
  });

  it('passes status, headers and body of a normal response through', async () => {
    const response = await fetchWithIdleTimeout(fetch, idleMs)(`${baseUrl}/created`, {
      method: 'POST',
      body: '{}',
    });
    expect(response.status).toBe(201);
    expect(response.statusText).toBe('Created');
    expect(response.ok).toBe(true);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('x-request-id')).toBe('r-1');
    expect(await response.json()).toEqual({ ok: true });
  });

  it('passes an error status and a response without a body through', async () => {
    const wrapped = fetchWithIdleTimeout(fetch, idleMs);
    const missing = await wrapped(`${baseUrl}/nowhere`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe('not found');
    const empty = await wrapped(`${baseUrl}/empty`);
    expect(empty.status).toBe(204);
    expect(await empty.text()).toBe('');
  });
});
