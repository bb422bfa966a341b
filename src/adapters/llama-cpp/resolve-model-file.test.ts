import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError, UpstreamError, ValidationError } from '../../core/errors/index.ts';
import { resolveModelFile } from './resolve-model-file.ts';

const modelBytes = readFileSync(new URL('../../../../shared/models/stories260K.gguf', import.meta.url));

let folder: string;
let modelsFolder: string;
const servers: Server[] = [];

beforeEach(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'quarry-model-file-'));
  modelsFolder = path.join(folder, 'models');
});

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  await rm(folder, { recursive: true, force: true });
});

/** A loopback server that answers every request with `answer` and counts requests by path. */
async function serve(
  answer: (response: import('node:http').ServerResponse, path: string) => void,
): Promise<{ url: string; hits: string[] }> {
  const hits: string[] = [];
  const server = createServer((request, response) => {
    hits.push(request.url ?? '');
    answer(response, request.url ?? '');
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

/** A port nothing listens on: opened, then closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function filesIn(directory: string): Promise<string[]> {
  return readdir(directory).catch(() => []);
}

describe('resolveModelFile with a local path', () => {
  it('resolves a relative path from the working directory', async () => {
    await mkdir(path.join(folder, 'weights'));
    await writeFile(path.join(folder, 'weights', 'model.gguf'), modelBytes);
    const resolved = await resolveModelFile('weights/model.gguf', { modelsFolder, workingDirectory: folder });
    expect(resolved).toBe(path.join(folder, 'weights', 'model.gguf'));
  });

  it('is a NotFoundError with a hint for a missing file or a folder', async () => {
    for (const model of ['missing.gguf', '.']) {
      const error = await resolveModelFile(model, { modelsFolder, workingDirectory: folder }).catch(
        (caught) => caught,
      );
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error.message).toContain(path.resolve(folder, model));
      expect(error.hint).toContain('knowledge.embedding.model');
    }
  });
});

describe('resolveModelFile with a URL', () => {
  it('downloads once into the models folder and then reuses the file without the network', async () => {
    const server = await serve((response) => {
      response.writeHead(200, {
        'content-length': modelBytes.length,
        'content-type': 'application/octet-stream',
      });
      response.end(modelBytes);
    });
    const url = `${server.url}/files/stories260K.gguf?signature=abc`;
    const first = await resolveModelFile(url, { modelsFolder });
    expect(path.dirname(first)).toBe(modelsFolder);
    expect(path.basename(first)).toMatch(/^stories260K\.[0-9a-f]{8}\.gguf$/);
    expect(await filesIn(modelsFolder)).toEqual([path.basename(first)]);
    expect((await readFile(first)).equals(modelBytes)).toBe(true);
    // A new signature on the same file is the same model.
    const second = await resolveModelFile(`${server.url}/files/stories260K.gguf?signature=def`, {
      modelsFolder,
    });
    expect(second).toBe(first);
    expect(server.hits).toEqual(['/files/stories260K.gguf?signature=abc']);
    expect(await filesIn(modelsFolder)).toHaveLength(1);
  });

  it('fails offline with an UpstreamError telling how to install the file by hand, leaving nothing behind', async () => {
    const port = await closedPort();
    const error = await resolveModelFile(`http://127.0.0.1:${port}/x.gguf`, { modelsFolder }).catch(
      (caught) => caught,
    );
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toBe(
      `The download of the embedding model x.gguf from http://127.0.0.1:${port}/… failed: could not connect (ECONNREFUSED).`,
    );
    expect(error.hint).toContain('set knowledge.embedding.model to the path of a local .gguf file');
    expect(error.hint).toContain(path.join(modelsFolder, 'x.'));
    expect(await filesIn(modelsFolder)).toEqual([]);
  });

  it('fails on a 404 with an UpstreamError and leaves nothing behind', async () => {
    const server = await serve((response) => {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('Not Found');
    });
    const error = await resolveModelFile(`${server.url}/x.gguf`, { modelsFolder }).catch((caught) => caught);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toMatch(
      /download of the embedding model x\.gguf .* failed: the server answered 404/,
    );
    expect(error.hint).toMatch(
      /Download the GGUF file .* copy it to .*x\.[0-9a-f]{8}\.gguf .* set knowledge\.embedding\.model to the path/,
    );
    expect(await filesIn(modelsFolder)).toEqual([]);
  });

  it('refuses a body that is not GGUF, and a transfer cut short, leaving no partial file', async () => {
    const page = await serve((response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<!DOCTYPE html><p>Sign in</p>');
    });
    const notGguf = await resolveModelFile(`${page.url}/m.gguf`, { modelsFolder }).catch((caught) => caught);
    expect(notGguf).toBeInstanceOf(UpstreamError);
    expect(notGguf.message).toContain('not a GGUF model');
    const cut = await serve((response) => {
      response.writeHead(200, { 'content-length': modelBytes.length });
      response.write(modelBytes.subarray(0, 1000));
      // Closing mid-body is what a dropped connection looks like.
      setTimeout(() => response.destroy(), 20);
    });
    const short = await resolveModelFile(`${cut.url}/m.gguf`, { modelsFolder }).catch((caught) => caught);
    expect(short).toBeInstanceOf(UpstreamError);
    expect(short.message).toMatch(
      /failed: the (connection broke after 1000 bytes|transfer ended after 1000 of)/,
    );
    expect(await filesIn(modelsFolder)).toEqual([]);
  });

  it('fails when the server stops sending for longer than the idle timeout', async () => {
    const stalled = await serve((response) => {
      response.writeHead(200, { 'content-length': modelBytes.length });
      response.write(modelBytes.subarray(0, 100));
    });
    const error = await resolveModelFile(`${stalled.url}/m.gguf`, { modelsFolder, idleTimeoutMs: 200 }).catch(
      (caught) => caught,
    );
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toContain('the server stopped sending (no data for 200 ms)');
    expect(await filesIn(modelsFolder)).toEqual([]);
  });

  it('downloads hf:owner/repo/file.gguf from huggingface.co, with the token only there', async () => {
    const requests: Array<{ url: string; authorization: string | null }> = [];
    const fetchModel: typeof fetch = async (input, init) => {
      const headers = new Headers(init?.headers);
      requests.push({ url: String(input), authorization: headers.get('authorization') });
      return new Response(modelBytes, {
        status: 200,
        headers: { 'content-length': String(modelBytes.length) },
      });
    };
    const resolved = await resolveModelFile('hf:someone/tiny-GGUF/sub/stories260K.gguf#v2', {
      modelsFolder,
      fetch: fetchModel,
      huggingFaceToken: 'hf_secret',
    });
    expect(requests).toEqual([
      {
        url: 'https://huggingface.co/someone/tiny-GGUF/resolve/v2/sub/stories260K.gguf',
        authorization: 'Bearer hf_secret',
      },
    ]);
    expect(path.basename(resolved)).toMatch(/^stories260K\.[0-9a-f]{8}\.gguf$/);
  });

  it('is a ValidationError for an hf: URI without a file', async () => {
    await expect(resolveModelFile('hf:someone/repo', { modelsFolder })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});
