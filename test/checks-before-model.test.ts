import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkspace, type Workspace } from './support/assistant-fixture.ts';

// With nothing configured, the default model is downloaded on first use. Mistakes that need no model
// must be reported before that download starts: a typo must never cost half a gigabyte.
let folder: string;
let mirror: Server;
let downloads = 0;
let workspace: Workspace;

beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'quarry-checks-'));
  mirror = createServer((_request, response) => {
    downloads += 1;
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => mirror.listen(0, '127.0.0.1', resolve));
  const { port } = mirror.address() as AddressInfo;
  workspace = await createWorkspace(folder, 'sync:\n  repos: []\n', {
    HF_ENDPOINT: `http://127.0.0.1:${port}`,
  });
});

afterAll(async () => {
  mirror.closeAllConnections();
  await new Promise<void>((resolve) => mirror.close(() => resolve()));
  await rm(folder, { recursive: true, force: true });
});

describe('checks that need no model come before the model download', () => {
  it('codegen reports an unknown language without downloading anything', async () => {
    const result = await workspace.run(['codegen', '--language', 'cobol', 'a parser']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: The language "cobol" is not supported/);
    expect(downloads).toBe(0);
  });

  it('codegen reports an empty message and a malformed --ground without downloading anything', async () => {
    expect((await workspace.run(['codegen', '--language', 'python', '  '])).code).toBe(2);
    const ground = await workspace.run(['codegen', '--language', 'python', 'x', '--ground', 'not a repo']);
    expect(ground.code).toBe(2);
    expect(downloads).toBe(0);
  });

  it('ask reports an empty question and an unknown conversation without downloading anything', async () => {
    const empty = await workspace.run(['ask', '   ']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/^error: The question is empty\./);
    expect(empty.stderr).not.toContain('note:');
    const unknown = await workspace.run(['ask', 'what?', '--conversation', 'c-missing']);
    expect(unknown.stderr).toMatch(/^error: There is no conversation c-missing\./);
    expect(downloads).toBe(0);
  });

  it('chat reports an unknown conversation without downloading anything', async () => {
    const result = await workspace.run(['chat', '--conversation', 'c-missing'], { stdin: ['hello'] });
    expect(result.stderr).toMatch(/^error: There is no conversation c-missing\./);
    expect(downloads).toBe(0);
  });

  it('does download (and fall back) once a question is valid', async () => {
    const result = await workspace.run(['ask', 'what is quarry?']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^note: no language model is available/);
    expect(downloads).toBe(1);
  });
});
