import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  chatRequests,
  clearFaults,
  createWorkspace,
  deadPort,
  listFiles,
  promptText,
  tinyModelPath,
  type Workspace,
} from './support/assistant-fixture.ts';
import { type FakeGitHub, startFakeGitHub } from './support/fake-github-server.ts';
import { type FakeOpenAiServer, startFakeOpenAiServer } from './support/fake-openai-server.ts';
import { buildSourceTarball } from './support/source-tarball.ts';

let fake: FakeOpenAiServer;
let github: FakeGitHub;
let folder: string;
let workspace: Workspace;

const retryModule = [
  'import time',
  '',
  'def retry_with_backoff(call, attempts=5):',
  '    """Retry a call with exponential backoff."""',
  '    for attempt in range(attempts):',
  '        try:',
  '            return call()',
  '        except Exception:',
  '            time.sleep(2 ** attempt)',
  '',
].join('\n');

beforeAll(async () => {
  fake = await startFakeOpenAiServer();
  github = await startFakeGitHub();
  folder = await mkdtemp(path.join(tmpdir(), 'quarry-codegen-cli-'));
  workspace = await createWorkspace(
    folder,
    `
sync:
  repos: [acme/widgets, acme/empty]
models:
  default: fake
  entries:
    fake:
      provider: openai-compatible
      model: gpt-4o-mini
      baseURL: ${fake.url}
    tiny:
      provider: llama-cpp
      model: ${JSON.stringify(tinyModelPath)}
      maxOutputTokens: 24
`,
    {
      QUARRY_GITHUB_API_URL: github.url,
      HF_ENDPOINT: `http://127.0.0.1:${await deadPort()}`,
    },
  );
  // acme/widgets is synced and indexed with a Python module; acme/empty is watched but has no release.
  const tarball = await buildSourceTarball('acme-widgets-1', {
    'README.md': '# Widgets\n\nA widget toolkit.\n',
    'widgets/retry.py': retryModule,
  });
  github.setRepo('acme', 'widgets', {
    releases: [{ tag: 'v1.0.0' }],
    archives: { 'v1.0.0': { body: tarball } },
  });
  github.setRepo('acme', 'empty', {});
  const sync = await workspace.run(['sync']);
  expect(sync.stdout, sync.stderr).toMatch(/acme\/widgets +updated +v1\.0\.0/);
});
afterEach(() => clearFaults(fake));
afterAll(async () => {
  await Promise.all([fake?.close(), github?.close()]);
  if (folder) await rm(folder, { recursive: true, force: true });
});

/** The generated outputs in the local object store (`<home>/objects/code_output/…`). */
function storedOutputs(): Promise<string[]> {
  return listFiles(path.join(workspace.home, 'objects', 'code_output')).then((files) =>
    files.map((file) => `code_output/${file}`),
  );
}

function readStored(key: string): Promise<string> {
  return readFile(path.join(workspace.home, 'objects', key), 'utf8');
}

/** Runs a request that must fail, and checks that it stored nothing. */
async function expectNothingStored(args: string[], code: number, message: RegExp) {
  const before = await storedOutputs();
  const result = await workspace.run(['codegen', ...args]);
  expect(result.code, result.stderr).toBe(code);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^error: /);
  expect(result.stderr).toMatch(message);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(await storedOutputs()).toEqual(before);
  return result;
}

const parser =
  'from datetime import date\n\n\ndef parse_iso_date(text: str) -> date:\n    return date.fromisoformat(text)\n';

interface Sidecar {
  key: string;
  language: string;
  message: string;
  model: string;
  ground?: string;
  sources: Array<Record<string, unknown>>;
  createdAt: string;
  usage: { inputTokens?: number; outputTokens?: number; totalTokens?: number };
  explanation?: string;
}

describe('quarry codegen', () => {
  it('prints exactly the code and stores it with a provenance sidecar', async () => {
    fake.setReply(() => `Here it is:\n\n\`\`\`python\n${parser}\`\`\`\n\nIt parses an ISO 8601 date.`);
    const message = 'a function that parses ISO dates';
    const before = fake.requests.length;
    const result = await workspace.run(['codegen', '--language', 'python', message]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(parser);

    const stored = await storedOutputs();
    expect(stored).toEqual([
      expect.stringMatching(/^code_output\/\d{4}-\d{2}-\d{2}\/\d{6}-a-function-that-parses-iso-dates\.py$/),
      expect.stringMatching(/^code_output\/.*\.py\.json$/),
    ]);
    const [key = '', sidecarKey = ''] = stored;
    expect(sidecarKey).toBe(`${key}.json`);
    expect(result.stderr).toContain(`metadata in ${sidecarKey}`);
    expect(await readStored(key)).toBe(parser);

    const sidecar = JSON.parse(await readStored(sidecarKey)) as Sidecar;
    expect(sidecar).toEqual({
      key,
      language: 'python',
      message,
      model: 'fake',
      sources: [],
      createdAt: expect.any(String),
      usage: {
        inputTokens: expect.any(Number),
        outputTokens: expect.any(Number),
        totalTokens: expect.any(Number),
      },
      explanation: 'Here it is:\n\nIt parses an ISO 8601 date.',
    });
    // The key is named after the moment it was stored, in UTC.
    const iso = new Date(sidecar.createdAt).toISOString();
    expect(key.split('/')[1]).toBe(iso.slice(0, 10));
    expect(key.split('/')[2]?.slice(0, 6)).toBe(iso.slice(11, 19).replaceAll(':', ''));

    const requests = chatRequests(fake, before);
    expect(requests).toHaveLength(1);
    const prompt = promptText(requests[0]);
    expect(prompt).toContain('Write python code');
    expect(prompt).toContain(`Instructions: ${message}`);
  });

  it('prints the result as JSON with --json', async () => {
    const before = await storedOutputs();
    const result = await workspace.run(['codegen', '--language', 'py', '--json', 'slugify a title']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    const json = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(Object.keys(json).sort()).toEqual(
      [
        'code',
        'createdAt',
        'explanation',
        'key',
        'language',
        'model',
        'sidecarKey',
        'sources',
        'usage',
      ].sort(),
    );
    expect(json).toMatchObject({ language: 'python', model: 'fake', sources: [] });
    const key = String(json.key);
    expect(key).toMatch(/^code_output\/\d{4}-\d{2}-\d{2}\/\d{6}-slugify-a-title\.py$/);
    expect(json.sidecarKey).toBe(`${key}.json`);
    expect(await readStored(key)).toBe(json.code);
    expect((await storedOutputs()).filter((file) => !before.includes(file))).toEqual([key, `${key}.json`]);
  });

  it('grounds the request in an indexed repository and cites the examples in the sidecar', async () => {
    const before = fake.requests.length;
    const message = 'retry a call with exponential backoff';
    const result = await workspace.run([
      'codegen',
      '--language',
      'python',
      '--ground',
      'acme/widgets',
      '--json',
      message,
    ]);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as { key: string; sidecarKey: string };
    const example = {
      n: 1,
      repo: 'acme/widgets',
      version: 'v1.0.0',
      path: 'widgets/retry.py',
      startLine: 1,
      endLine: 9,
      citation: 'acme/widgets@v1.0.0:widgets/retry.py:1-9',
    };
    const sidecar = JSON.parse(await readStored(json.sidecarKey)) as Sidecar;
    expect(sidecar).toMatchObject({ ground: 'acme/widgets', message, sources: [example] });
    expect(json).toMatchObject({ sources: [example] });

    const prompt = promptText(chatRequests(fake, before)[0]);
    expect(prompt).toContain('Examples from acme/widgets');
    expect(prompt).toContain(`[1] ${example.citation}\n${retryModule.trimEnd()}`);
  });
});

describe('quarry codegen: bad input and failing models store nothing', () => {
  it('refuses an unknown language, listing the supported ones, before any model request', async () => {
    const before = fake.requests.length;
    const result = await expectNothingStored(
      ['--language', 'klingon', 'a parser'],
      2,
      /^error: The language "klingon" is not supported\. Supported languages: .*\bpython\b.*\btypescript\b/,
    );
    expect(result.stderr).toMatch(/^hint: Use --language with one of: /m);
    expect(fake.requests.length).toBe(before);
  });

  it('refuses an empty message before any model request', async () => {
    const before = fake.requests.length;
    await expectNothingStored(['--language', 'python', '   '], 2, /The message is empty/);
    expect(fake.requests.length).toBe(before);
  });

  it('reports a failing model', async () => {
    fake.failNext(500, 10, 0);
    await expectNothingStored(
      ['--language', 'python', 'a parser'],
      1,
      /^error: The model fake failed after 2 attempts: it answered 500\b/,
    );
  });

  it('refuses a reply without a fenced code block', async () => {
    fake.setReply(() => 'def parse(text): return text');
    await expectNothingStored(
      ['--language', 'python', 'a parser'],
      1,
      /^error: The model fake returned no code block; it replied: "def parse\(text\): return text"\.$/m,
    );
  });

  it('refuses the rambling of stories260K, which never writes a fenced block', async () => {
    await expectNothingStored(
      ['--language', 'python', '--model', 'tiny', 'a parser'],
      1,
      /^error: The model tiny /,
    );
  });

  it('refuses to ground in a repository without indexed code, before any model request', async () => {
    const before = fake.requests.length;
    for (const repo of ['acme/empty', 'acme/unknown']) {
      await expectNothingStored(
        ['--language', 'python', '--ground', repo, 'a parser'],
        2,
        new RegExp(`^error: There is no indexed code from ${repo} to ground the request in\\.$`, 'm'),
      );
    }
    expect(fake.requests.length).toBe(before);
  });
});
