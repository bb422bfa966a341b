import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fetchWithTimeout } from './fetch-with-timeout.ts';

let server: Server;
let url: string;

beforeEach(async () => {
  // Accepts requests and never answers, like a server stuck loading a model.
  server = createServer(() => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/embeddings`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('fetchWithTimeout', () => {
  it('fails like a network error when no answer comes in time', async () => {
    const error = await fetchWithTimeout(fetch, 100)(url).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe('fetch failed');
    expect(((error as TypeError).cause as Error).message).toBe('no answer within 100 ms');
  });

  it("passes the caller's own abort through unchanged", async () => {
    const controller = new AbortController();
    const pending = fetchWithTimeout(fetch, 10_000)(url, { signal: controller.signal });
    controller.abort();
    const error = await pending.catch((caught: unknown) => caught);
    expect((error as Error).name).toBe('AbortError');
  });
});
