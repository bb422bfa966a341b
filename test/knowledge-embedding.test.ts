import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddingRuntime } from '../src/adapters/ai-sdk/create-embedding-runtime.ts';
import { createLocalObjectStore } from '../src/adapters/fs/local-object-store.ts';
import { createSqliteCatalog } from '../src/adapters/sqlite/sqlite-catalog.ts';
import { createSqliteSearchIndex } from '../src/adapters/sqlite/sqlite-search-index.ts';
import { type EmbeddingSettings, resolveConfig } from '../src/core/config.ts';
import { KnowledgeBase } from '../src/knowledge/knowledge-base.ts';
import { startFakeBedrockServer } from './support/fake-bedrock-server.ts';
import { type FakeOpenAiServer, startFakeOpenAiServer } from './support/fake-openai-server.ts';
import { cliEnvironment, runQuarry } from './support/run-quarry.ts';

const apiKey = 'sk-EMBEDSECRET0123456789';
let openai: FakeOpenAiServer;
let folder: string;

beforeAll(async () => {
  openai = await startFakeOpenAiServer({ requireApiKey: apiKey });
  folder = await mkdtemp(path.join(tmpdir(), 'quarry-embedding-'));
  await mkdir(path.join(folder, 'docs'), { recursive: true });
  const pages: Record<string, string> = {
    'cats.md': '# Cats\n\nCats purr, nap in the sun and chase mice.\n',
    'dogs.md': '# Dogs\n\nDogs bark, fetch sticks and guard the house.\n',
    'fish.md': '# Fish\n\nFish swim in tanks and ponds.\n',
  };
  for (const [name, body] of Object.entries(pages)) await writeFile(path.join(folder, 'docs', name), body);
});
afterAll(async () => {
  await openai.close();
  await rm(folder, { recursive: true, force: true });
});

function knowledgeBase(home: string, embedding: Partial<EmbeddingSettings>): KnowledgeBase {
  const config = resolveConfig([
    {
      source: 'test',
      values: {
        home,
        knowledge: {
          embedding: {
            provider: 'openai-compatible',
            baseUrl: openai.url,
            apiKey,
            batchSize: 2,
            ...embedding,
          },
        },
      },
    },
  ]);
  return new KnowledgeBase({
    index: createSqliteSearchIndex({ path: path.join(home, 'index.sqlite') }),
    store: createLocalObjectStore({ root: path.join(home, 'objects') }),
    catalog: createSqliteCatalog({ path: path.join(home, 'quarry.sqlite') }),
    settings: config.knowledge,
    redact: (text) => text.replaceAll(apiKey, '[redacted]'),
    openEmbedding: (settings) =>
      createEmbeddingRuntime(settings, { modelsFolder: path.join(home, 'models'), environment: {} }),
  });
}

/** Which model each embeddings request since `from` asked for. */
function modelsAskedSince(from: number): string[] {
  return openai.requests
    .slice(from)
    .filter((request) => request.path === '/v1/embeddings')
    .map((request) => String((request.body as { model: string }).model));
}

describe('hybrid search with an embedding model', () => {
  it('embeds chunks while indexing and ranks by fused keyword and vector ranks', async () => {
    const home = path.join(folder, 'hybrid');
    const knowledge = knowledgeBase(home, { model: 'nomic-embed-text', dimensions: 16 });
    try {
      const report = await knowledge.ingest(['docs'], 'pets', folder);
      expect(report).toMatchObject({ indexed: 3, vectorsPending: 0 });
      const status = await knowledge.status();
      expect(status).toMatchObject({
        searchMode: 'hybrid',
        embedding: { active: 'openai-compatible:nomic-embed-text@16', building: null },
        pending: { vectors: 0 },
      });
      const result = await knowledge.search({ text: 'dogs fetch sticks', limit: 3, filters: {} });
      expect(result.mode).toBe('hybrid');
      expect(result.hits[0]).toMatchObject({ path: 'docs/dogs.md', keywordRank: 1, vectorRank: 1 });
      const vectorOnly = await knowledge.search({ text: 'purr mice', limit: 1, mode: 'vector', filters: {} });
      expect(vectorOnly.hits.map((hit) => hit.path)).toEqual(['docs/cats.md']);
    } finally {
      await knowledge.close();
    }
  });

  it('re-embeds for a new model while the old vectors keep serving, then switches', async () => {
    const home = path.join(folder, 'switch');
    const first = knowledgeBase(home, { model: 'nomic-embed-text', dimensions: 16 });
    await first.ingest(['docs'], 'pets', folder);
    await first.close();

    const second = knowledgeBase(home, { model: 'text-embedding-3-small', dimensions: 32 });
    try {
      const before = openai.requests.length;
      const during = await second.search({ text: 'fish ponds', limit: 1, filters: {} });
      expect(during.mode).toBe('hybrid');
      // The query was embedded with the model of the vectors being served, not the newly configured one.
      expect(modelsAskedSince(before)).toEqual(['nomic-embed-text']);
      const report = await second.ingest(['docs'], 'pets', folder);
      expect(report).toMatchObject({ indexed: 0, unchanged: 3 });
      expect((await second.status()).embedding).toMatchObject({
        active: 'openai-compatible:nomic-embed-text@16',
        building: 'openai-compatible:text-embedding-3-small@32',
      });
      const serving = openai.requests.length;
      await second.search({ text: 'fish ponds', limit: 1, filters: {} });
      expect(modelsAskedSince(serving)).toEqual(['nomic-embed-text']);
      expect(await second.fillVectors()).toBe(3);
      expect((await second.status()).embedding).toMatchObject({
        active: 'openai-compatible:text-embedding-3-small@32',
        building: null,
      });
      const after = openai.requests.length;
      await second.search({ text: 'fish ponds', limit: 1, filters: {} });
      expect(modelsAskedSince(after)).toEqual(['text-embedding-3-small']);
    } finally {
      await second.close();
    }
  });

  it('degrades hybrid search to keywords with a warning when the model is down, without leaking the key', async () => {
    const home = path.join(folder, 'down');
    const knowledge = knowledgeBase(home, { model: 'nomic-embed-text', dimensions: 16 });
    try {
      await knowledge.ingest(['docs'], 'pets', folder);
      openai.failNext(401, 1);
      const result = await knowledge.search({ text: 'cats', limit: 1, filters: {} });
      expect(result.mode).toBe('keyword');
      expect(result.warnings.join(' ')).toMatch(/could not be embedded/);
      expect(JSON.stringify(result)).not.toContain(apiKey);
    } finally {
      await knowledge.close();
    }
  });

  it('works from the command line: status says hybrid and search shows both ranks', async () => {
    const cwd = await mkdtemp(path.join(folder, 'cli-'));
    await mkdir(path.join(cwd, 'docs'));
    await writeFile(path.join(cwd, 'docs', 'dogs.md'), '# Dogs\n\nDogs bark and fetch sticks.\n');
    await writeFile(path.join(cwd, 'quarry.config.yaml'), 'sync:\n  repos: []\n');
    const env = cliEnvironment({
      QUARRY_EMBEDDING_PROVIDER: 'openai-compatible',
      QUARRY_EMBEDDING_MODEL: 'nomic-embed-text',
      QUARRY_EMBEDDING_BASE_URL: openai.url,
      QUARRY_EMBEDDING_API_KEY: apiKey,
    });
    const run = (...args: string[]) => runQuarry(args, { cwd, env });
    expect((await run('ingest', 'docs')).code).toBe(0);
    const status = await run('status');
    expect(status.stdout).toMatch(/Search: hybrid/);
    expect(status.stdout).toMatch(/Embedding model: .*nomic-embed-text/);
    const search = await run('search', 'fetch', '--verbose');
    expect(search.code).toBe(0);
    expect(search.stdout).toMatch(/keyword #1, vector #1/);
    for (const output of [status, search]) expect(output.stdout + output.stderr).not.toContain(apiKey);
  });

  it('embeds in process with a llama.cpp GGUF model and with Bedrock Titan, from the command line', async () => {
    const bedrock = await startFakeBedrockServer();
    try {
      const setups: Array<Record<string, string>> = [
        {
          QUARRY_EMBEDDING_PROVIDER: 'llama-cpp',
          QUARRY_EMBEDDING_MODEL: path.resolve(import.meta.dirname, '../../shared/models/stories260K.gguf'),
        },
        {
          QUARRY_EMBEDDING_PROVIDER: 'bedrock',
          QUARRY_EMBEDDING_MODEL: 'amazon.titan-embed-text-v2:0',
          QUARRY_EMBEDDING_DIMENSIONS: '256',
          AWS_REGION: 'us-east-1',
          AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
          AWS_SECRET_ACCESS_KEY: 'bedrock-secret-key-example',
          AWS_ENDPOINT_URL_BEDROCK_RUNTIME: bedrock.url,
        },
      ];
      for (const setup of setups) {
        const cwd = await mkdtemp(path.join(folder, 'provider-'));
        await mkdir(path.join(cwd, 'docs'));
        await writeFile(
          path.join(cwd, 'docs', 'story.md'),
          '# Story\n\nOnce upon a time a little dog found a ball.\n',
        );
        await writeFile(path.join(cwd, 'quarry.config.yaml'), 'sync:\n  repos: []\n');
        const env = cliEnvironment(setup);
        const ingest = await runQuarry(['ingest', 'docs'], { cwd, env });
        expect(ingest.code, ingest.stderr).toBe(0);
        const status = await runQuarry(['status', '--json'], { cwd, env });
        expect(JSON.parse(status.stdout), setup.QUARRY_EMBEDDING_PROVIDER).toMatchObject({
          searchMode: 'hybrid',
          pending: { vectors: 0 },
        });
        const search = await runQuarry(['search', 'little dog', '--mode', 'vector', '--json'], { cwd, env });
        expect(JSON.parse(search.stdout).hits[0]).toMatchObject({ path: 'docs/story.md', vectorRank: 1 });
        expect(status.stdout + search.stdout + search.stderr).not.toContain('bedrock-secret-key-example');
      }
      expect(bedrock.requests.map((request) => request.modelId)).toContain('amazon.titan-embed-text-v2:0');
    } finally {
      await bedrock.close();
    }
    // Six `quarry` processes and a llama.cpp model load: 20 s alone, over a minute beside the whole suite.
  }, 180_000);
});
