import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeOpenAiServer, startFakeOpenAiServer } from '../../../test/support/fake-openai-server.ts';
import { listOllamaModels, listOpenAiModels, ollamaRootUrl } from './ollama-tags.ts';

const apiKey = 'sk-TAGSSECRET0123456789';
let ollama: FakeOpenAiServer;
let guarded: FakeOpenAiServer;
const servers: Server[] = [];

beforeAll(async () => {
  ollama = await startFakeOpenAiServer({ models: ['qwen2.5-coder:7b', 'llama3.2'] });
  guarded = await startFakeOpenAiServer({ requireApiKey: apiKey, models: ['gpt-4o-mini'] });
});
afterAll(async () => {
  await Promise.all([ollama.close(), guarded.close()]);
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
});

/** A loopback server answering every request with `status` and `body`, recording request headers. */
async function serve(status: number, body: string): Promise<{ url: string; headers: IncomingHttpHeaders[] }> {
  const headers: IncomingHttpHeaders[] = [];
  const server = createServer((request, response) => {
    headers.push(request.headers);
    response.writeHead(status, { 'content-type': 'application/json' }).end(body);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, headers };
}

/** A port nothing listens on: bound, then released. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('ollamaRootUrl', () => {
  it('drops the /v1 suffix and trailing slashes, keeping other paths', () => {
    expect(ollamaRootUrl('http://127.0.0.1:11434/v1')).toBe('http://127.0.0.1:11434');
    expect(ollamaRootUrl('http://gpu.local:11434/v1/')).toBe('http://gpu.local:11434');
    expect(ollamaRootUrl('https://proxy.example/ollama/v1')).toBe('https://proxy.example/ollama');
    expect(ollamaRootUrl('http://127.0.0.1:11434')).toBe('http://127.0.0.1:11434');
  });
});

describe('listOllamaModels', () => {
  it("lists the pulled models from /api/tags at the /v1 URL's server root", async () => {
    const listing = await listOllamaModels(ollama.url);
    expect(listing.ok).toBe(true);
    if (!listing.ok) return;
    expect(listing.models.map((model) => model.name)).toEqual(['qwen2.5-coder:7b', 'llama3.2:latest']);
    expect(listing.models[0]).toMatchObject({ parameterSize: '7B', quantizationLevel: 'Q4_K_M' });
    expect(listing.models[0]?.sizeBytes).toBeGreaterThan(0);
    expect(ollama.requests.at(-1)?.path).toBe('/api/tags');
  });

  it('says "not Ollama" for a server that answers 404 at /api/tags', async () => {
    const vllm = await serve(404, '{"detail":"Not Found"}');
    expect(await listOllamaModels(`${vllm.url}/v1`)).toEqual({
      ok: false,
      reason: 'not-ollama',
      detail: 'the server answered 404 at /api/tags: not Ollama',
    });
  });

  it('says unreachable, without throwing, when nothing listens', async () => {
    const port = await deadPort();
    expect(await listOllamaModels(`http://127.0.0.1:${port}/v1`)).toEqual({
      ok: false,
      reason: 'unreachable',
      detail: 'could not connect (ECONNREFUSED)',
    });
  });

  it('gives up after the timeout when the server never answers', async () => {
    ollama.hangNext();
    const listing = await listOllamaModels(ollama.url, { timeoutMs: 200 });
    expect(listing).toEqual({ ok: false, reason: 'unreachable', detail: 'no answer within 200 ms' });
  });

  it('reports an answer that is not a tag list as invalid', async () => {
    const odd = await serve(200, '<html>hello</html>');
    expect(await listOllamaModels(odd.url)).toMatchObject({ ok: false, reason: 'invalid-answer' });
    const wrongShape = await serve(200, '{"tags":[]}');
    expect(await listOllamaModels(wrongShape.url)).toMatchObject({ ok: false, reason: 'invalid-answer' });
  });

  it('sends userinfo as Basic credentials and keeps it out of details', async () => {
    const proxy = await serve(500, '{}');
    const withCredentials = proxy.url.replace('http://', 'http://user:s3cr3t-pass@');
    const listing = await listOllamaModels(`${withCredentials}/v1`);
    expect(listing).toEqual({ ok: false, reason: 'rejected', status: 500, detail: expect.any(String) });
    expect(JSON.stringify(listing)).not.toContain('s3cr3t');
    const expected = Buffer.from('user:s3cr3t-pass').toString('base64');
    expect(proxy.headers[0]?.authorization).toBe(`Basic ${expected}`);
  });
});

describe('listOpenAiModels', () => {
  it('lists model ids from /models with the API key', async () => {
    expect(await listOpenAiModels(guarded.url, apiKey)).toEqual({ ok: true, models: ['gpt-4o-mini'] });
    expect(guarded.requests.at(-1)?.headers.authorization).toBe(`Bearer ${apiKey}`);
  });

  it('reports a refused key as rejected, without echoing the key', async () => {
    const listing = await listOpenAiModels(guarded.url, 'sk-WRONGKEY123456');
    expect(listing).toMatchObject({ ok: false, reason: 'rejected', status: 401 });
    expect(JSON.stringify(listing)).not.toContain('WRONGKEY');
  });

  it('says no-listing for a 404 and unreachable for a dead port', async () => {
    const bare = await serve(404, '{}');
    expect(await listOpenAiModels(`${bare.url}/v1`, undefined)).toMatchObject({ reason: 'no-listing' });
    const port = await deadPort();
    expect(await listOpenAiModels(`http://127.0.0.1:${port}/v1`, undefined)).toMatchObject({
      reason: 'unreachable',
    });
  });
});
