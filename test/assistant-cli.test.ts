import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultLocalModel } from '../src/core/model-config.ts';
import {
  chatRequests,
  clearFaults,
  createWorkspace,
  deadPort,
  listFiles,
  promptText,
  storedMessages,
  tinyModelPath,
  type Workspace,
  writeTree,
} from './support/assistant-fixture.ts';
import { type FakeBedrockServer, startFakeBedrockServer } from './support/fake-bedrock-server.ts';
import { fakeChatReply } from './support/fake-chat-reply.ts';
import { type FakeOpenAiServer, startFakeOpenAiServer } from './support/fake-openai-server.ts';

const apiKey = 'sk-ASKCLISECRET0123456789abcdef';
const wrongKey = 'sk-WRONGASKKEY9876543210fedcba';
const awsSecret = 'FAKEAWSSECRETaskCli0123456789abcdefghij';
const question = 'How does the client retry failed requests?';

let fake: FakeOpenAiServer;
let bedrock: FakeBedrockServer;
let folder: string;
let workspace: Workspace;
/** Everything any run printed, checked for secrets at the end. */
const printed: string[] = [];

const config = () => `
models:
  default: fake
  entries:
    fake:
      provider: openai-compatible
      model: gpt-4o-mini
      baseURL: ${fake.url}
      apiKey: ${apiKey}
    small:
      provider: openai-compatible
      model: gpt-4o-mini
      baseURL: ${fake.url}
      apiKey: ${apiKey}
      contextTokens: 300
    gpt:
      provider: openai
      model: gpt-4o-mini
      baseURL: ${fake.url}
      apiKey: ${apiKey}
    wrongkey:
      provider: openai-compatible
      model: gpt-4o-mini
      baseURL: ${fake.url}
      apiKey: ${wrongKey}
    nova:
      provider: bedrock
      model: amazon.nova-micro-v1:0
    tiny:
      provider: llama-cpp
      model: ${JSON.stringify(tinyModelPath)}
      maxOutputTokens: 24
`;

beforeAll(async () => {
  fake = await startFakeOpenAiServer({ requireApiKey: apiKey });
  bedrock = await startFakeBedrockServer();
  folder = await mkdtemp(path.join(tmpdir(), 'quarry-ask-cli-'));
  workspace = await createWorkspace(folder, config(), {
    AWS_ACCESS_KEY_ID: 'AKIAFAKEASKCLI',
    AWS_SECRET_ACCESS_KEY: awsSecret,
    AWS_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: bedrock.url,
    // Nothing in this file may reach the real Hugging Face.
    HF_ENDPOINT: `http://127.0.0.1:${await deadPort()}`,
  });
  await writeTree(path.join(workspace.cwd, 'docs'), {
    'retry.md':
      '# Retries\n\n## Backoff\n\nThe client retries failed requests with exponential backoff, at most five attempts.\n',
    'deploy.md': '# Deploying\n\nRoll out with a blue-green deployment and a canary fleet.\n',
  });
  await writeTree(path.join(workspace.cwd, 'ops'), {
    'alarms.md': '# Alarms\n\nWhen the retry budget alarm fires, page the on-call engineer.\n',
  });
  expect((await quarry('ingest', 'docs', '--source', 'handbook')).code).toBe(0);
  expect((await quarry('ingest', 'ops', '--source', 'runbook')).code).toBe(0);
});
afterEach(() => {
  clearFaults(fake);
  clearFaults(bedrock);
});
afterAll(async () => {
  await Promise.all([fake?.close(), bedrock?.close()]);
  if (folder) await rm(folder, { recursive: true, force: true });
});

/** Runs `quarry …` in the shared workspace, keeping what it printed for the secrets check. */
async function quarry(...args: string[]) {
  return run(workspace, ...args);
}

async function run(target: Workspace, ...args: string[]) {
  return runWith(target, {}, ...args);
}

async function runWith(target: Workspace, environment: Record<string, string>, ...args: string[]) {
  const result = await target.run(args, { environment });
  printed.push(result.stdout, result.stderr);
  return result;
}

/** The documented keys of `quarry ask --json`, sorted. */
const answerKeys = [
  'answer',
  'citationSupport',
  'citations',
  'model',
  'removedCitations',
  'retrieval',
  'standaloneQuestion',
  'unsupported',
  'usage',
];

interface AnswerJson {
  answer: string;
  citations: Array<Record<string, unknown>>;
  model: string | null;
  usage: { inputTokens?: number; outputTokens?: number; totalTokens?: number };
  retrieval: { mode: string; k: number; retrieved: number; packed: number };
  standaloneQuestion: string;
  removedCitations: number;
  unsupported: boolean;
  retrievalOnly?: { reason: string };
  passages?: Array<Record<string, unknown>>;
}

function parseAnswer(stdout: string): AnswerJson {
  return JSON.parse(stdout) as AnswerJson;
}

/** The retry passage as the ingest cited it. */
const retryCitation = {
  n: 1,
  source: 'handbook',
  repo: null,
  version: '',
  path: 'docs/retry.md',
  startLine: 3,
  endLine: 5,
  url: null,
};

/**
 * Lets the next request through and cuts the answer to the one after it: the fake decides on a cut after
 * asking its replier, so the replier of that second call arms it.
 */
function cutSecondCall(): void {
  let calls = 0;
  fake.setReply((request) => {
    calls += 1;
    if (calls === 2) fake.truncateNext(1);
    return fakeChatReply(request);
  });
}

/** An error report: exactly one `error:` line and one `hint:` line, no stack trace. */
function expectOneError(stderr: string, message: RegExp): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(2);
  expect(lines[0]).toMatch(/^error: /);
  expect(lines[0]).toMatch(message);
  expect(lines[1]).toMatch(/^hint: /);
  expect(stderr).not.toMatch(/^\s+at /m);
}

describe('quarry ask with an openai-compatible model', () => {
  it('streams the answer, then the cited sources, from a request holding the numbered passages', async () => {
    const before = fake.requests.length;
    const result = await quarry('ask', question);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [answer, sources] = result.stdout.split('\n\nSources:\n');
    expect(answer).toMatch(/exponential backoff/);
    expect(answer).toMatch(/\[1\]/);
    expect(sources).toBe('  [1] handbook:docs/retry.md:3-5  § Retries › Backoff\n');

    const requests = chatRequests(fake, before);
    expect(requests).toHaveLength(1);
    expect(requests[0]?.headers.authorization).toBe(`Bearer ${apiKey}`);
    expect((requests[0]?.body as { stream?: boolean } | undefined)?.stream).toBe(true);
    const prompt = promptText(requests[0]);
    expect(prompt).toContain(
      '[1] handbook:docs/retry.md:3-5\n## Backoff\n\nThe client retries failed requests with exponential backoff',
    );
    expect(prompt).toContain(`Question: ${question}`);
  });

  it('prints exactly the documented JSON, with citations pointing at the ingested lines', async () => {
    const result = await quarry('ask', '--json', question);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const json = parseAnswer(result.stdout);
    expect(Object.keys(json).sort()).toEqual(answerKeys);
    expect(json.citations).toEqual([retryCitation]);
    expect(Object.keys(json.citations[0] ?? {})).toEqual(Object.keys(retryCitation));
    const lines = (await readFile(path.join(workspace.cwd, 'docs/retry.md'), 'utf8')).split('\n');
    expect(lines.slice(retryCitation.startLine - 1, retryCitation.endLine).join('\n')).toContain(
      'exponential backoff',
    );
    expect(json.answer).toMatch(/exponential backoff.*\[1\]/);
    expect(json.model).toBe('fake');
    const { inputTokens = 0, outputTokens = 0, totalTokens } = json.usage;
    expect(inputTokens).toBeGreaterThan(0);
    expect(outputTokens).toBeGreaterThan(0);
    expect(totalTokens).toBe(inputTokens + outputTokens);
    expect(json.retrieval).toEqual({
      mode: 'keyword',
      k: 8,
      retrieved: expect.any(Number),
      packed: expect.any(Number),
    });
    expect(json.retrieval.packed).toBeGreaterThanOrEqual(1);
    expect(json).toMatchObject({ standaloneQuestion: question, removedCitations: 0, unsupported: false });

    const one = parseAnswer((await quarry('ask', '--json', '--k', '1', question)).stdout);
    expect(one.retrieval).toMatchObject({ k: 1, retrieved: 1, packed: 1 });
  });

  it('passes --source, --lang and --repo to retrieval', async () => {
    let before = fake.requests.length;
    const runbook = await quarry('ask', '--json', '--source', 'runbook', question);
    expect(runbook.code).toBe(0);
    const onlyRunbook = parseAnswer(runbook.stdout);
    expect(onlyRunbook.retrieval.packed).toBeGreaterThanOrEqual(1);
    expect(onlyRunbook.citations.map((citation) => citation.source)).toEqual(['runbook']);
    const runbookPrompt = promptText(chatRequests(fake, before)[0]);
    expect(runbookPrompt).toContain('[1] runbook:ops/alarms.md');
    expect(runbookPrompt).not.toContain('handbook:');

    before = fake.requests.length;
    const python = await quarry('ask', '--lang', 'python', question);
    expect(python.code).toBe(0);
    expect(python.stdout).toMatch(
      /\n\(No indexed passage matched; this answer is not based on your sources\.\)\n$/,
    );
    expect(python.stdout).not.toContain('Sources:');
    const emptyPrompt = promptText(chatRequests(fake, before)[0]);
    expect(emptyPrompt).toContain('(no passages matched the question)');
    expect(emptyPrompt).not.toMatch(/^\[1\]/m);

    const repo = parseAnswer((await quarry('ask', '--json', '--repo', 'acme/none', question)).stdout);
    expect(repo.citations).toEqual([]);
    expect(repo.retrieval).toMatchObject({ retrieved: 0, packed: 0 });
    expect(repo.unsupported).toBe(false);
  });
});

describe('quarry ask with other providers', () => {
  it('answers through Bedrock ConverseStream from a bedrock entry', async () => {
    const before = bedrock.requests.length;
    const result = await quarry('ask', '--model', 'nova', question);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/exponential backoff.*\[1\]/);
    expect(result.stdout).toMatch(/\n\nSources:\n {2}\[1\] handbook:docs\/retry\.md:3-5/);
    const requests = bedrock.requests.slice(before);
    expect(requests.map((request) => request.path)).toEqual([
      '/model/amazon.nova-micro-v1%3A0/converse-stream',
    ]);
    expect(requests[0]?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAFAKEASKCLI\/\d{8}\/us-east-1\/bedrock\//,
    );
    const body = JSON.stringify(requests[0]?.body);
    expect(body).toContain('[1] handbook:docs/retry.md:3-5');
    expect(body).toContain(`Question: ${question}`);
  });

  it('accepts an ad-hoc --model bedrock:<model-id> reference', async () => {
    const before = bedrock.requests.length;
    const reference = 'bedrock:anthropic.claude-3-5-sonnet-20240620-v1:0';
    const result = await quarry('ask', '--json', '--model', reference, question);
    expect(result.code).toBe(0);
    const json = parseAnswer(result.stdout);
    expect(json.model).toBe(reference);
    expect(json.citations).toEqual([retryCitation]);
    expect(bedrock.requests.slice(before).map((request) => request.path)).toEqual([
      '/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse-stream',
    ]);
  });

  it('talks to an openai entry through /chat/completions, not the Responses API', async () => {
    const before = fake.requests.length;
    const result = await quarry('ask', '--model', 'gpt', question);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/\n\nSources:\n {2}\[1\] handbook:docs\/retry\.md:3-5/);
    const requests = fake.requests.slice(before);
    expect(requests.map((request) => request.path)).toEqual(['/v1/chat/completions']);
    expect(requests[0]?.headers.authorization).toBe(`Bearer ${apiKey}`);
  });

  it('answers with the in-process llama.cpp model (stories260K), with token usage', async () => {
    const before = fake.requests.length;
    const result = await quarry('ask', '--json', '--model', 'tiny', question);
    expect(result.code, result.stderr).toBe(0);
    const json = parseAnswer(result.stdout);
    expect(Object.keys(json).sort()).toEqual(answerKeys);
    expect(json.model).toBe('tiny');
    expect(json.answer.trim()).not.toBe('');
    const { inputTokens = 0, outputTokens = 0, totalTokens } = json.usage;
    expect(inputTokens).toBeGreaterThan(0);
    expect(outputTokens).toBeGreaterThan(0);
    expect(outputTokens).toBeLessThanOrEqual(24);
    expect(totalTokens).toBe(inputTokens + outputTokens);
    expect(json.retrieval.packed).toBeGreaterThanOrEqual(1);
    expect(fake.requests.length).toBe(before);
  });
});

describe('citation checking', () => {
  it('removes a citation of a source the model was not given, and says so', async () => {
    fake.setReply(() => 'Failed requests back off exponentially [1] and give up after five tries [7].');
    const text = await quarry('ask', question);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('[1]');
    expect(text.stdout).not.toContain('[7]');
    expect(text.stdout).toMatch(
      /give up after five tries\.\n\nSources:\n {2}\[1\] handbook:docs\/retry\.md:3-5/,
    );
    expect(text.stderr).toBe('warning: removed 1 citation that pointed at no source given to the model\n');

    const json = parseAnswer((await quarry('ask', '--json', question)).stdout);
    expect(json.retrieval.packed).toBeLessThan(7);
    expect(json.removedCitations).toBe(1);
    expect(json.answer).not.toContain('[7]');
    expect(json.citations).toEqual([retryCitation]);
    expect(json.unsupported).toBe(false);
  });

  it('flags an answer that cites nothing as unsupported', async () => {
    fake.setReply(() => 'Failed requests back off exponentially.');
    const text = await quarry('ask', question);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/\n\nSources given to the model \(none was cited\):\n {2}\[1\] /);
    expect(text.stderr).toBe(
      'warning: the answer cites none of the sources it was given: treat it as unsupported\n',
    );
    const result = await quarry('ask', '--json', question);
    expect(result.stderr).toMatch(/^warning: the answer cites none of the sources/);
    const json = parseAnswer(result.stdout);
    expect(json).toMatchObject({ unsupported: true, citations: [], removedCitations: 0 });
  });
});

describe('quarry ask: bad input and failing models', () => {
  it('refuses an empty or blank question before any model request', async () => {
    const before = fake.requests.length;
    for (const blank of ['', '   \t  ']) {
      const result = await quarry('ask', blank);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expectOneError(result.stderr, /^error: The question is empty\.$/);
    }
    expect(fake.requests.length).toBe(before);
  });

  it("refuses a question longer than the model's context before any model request", async () => {
    const before = fake.requests.length;
    const result = await quarry('ask', '--model', 'small', `${'why does the retry loop stop '.repeat(60)}?`);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expectOneError(result.stderr, /The question is too long for the model small: .* 300-token context/);
    expect(fake.requests.length).toBe(before);
  });

  it('reports a failing endpoint in one line, after the retries', async () => {
    const before = fake.requests.length;
    fake.failNext(500, 10, 0);
    const result = await quarry('ask', question);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expectOneError(result.stderr, /^error: The model fake failed after 3 attempts: it answered 500\b/);
    expect(fake.requests.length - before).toBe(3);
  });

  it('gives up on an endpoint that never answers once QUARRY_MODEL_TIMEOUT_MS passes', async () => {
    fake.hangNext(10);
    const result = await runWith(workspace, { QUARRY_MODEL_TIMEOUT_MS: '500' }, 'ask', question);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expectOneError(result.stderr, /^error: The model fake failed.*sent nothing for 500 ms/);
    // Not a benchmark: proves the 500 ms setting applied (the default is two minutes per attempt).
    expect(result.elapsedMs).toBeLessThan(30_000);
  });

  it('reports an answer stream cut off half-way as such', async () => {
    fake.truncateNext(10);
    const result = await quarry('ask', question);
    expect(result.code).toBe(1);
    expectOneError(result.stderr, /^error: The model fake failed/);
    // The stream broke after a 200 and some text: "it answered 200" would send the user the wrong way.
    expect(result.stderr).not.toMatch(/answered 200/);
    expect(result.stderr.split('\n')[0]).toMatch(/cut off|interrupted|broke|terminated|ended|incomplete/i);
  });

  it('lists the configured entries for an unknown --model, without a model request', async () => {
    const before = fake.requests.length;
    const result = await quarry('ask', '--model', 'nope', question);
    expect(result.code).toBe(2);
    expectOneError(result.stderr, /^error: There is no model called "nope"\.$/);
    expect(result.stderr).toContain('(fake, small, gpt, wrongkey, nova, tiny, local)');
    expect(fake.requests.length).toBe(before);
  });

  it('reports refused credentials without echoing the key', async () => {
    const result = await quarry('ask', '--model', 'wrongkey', question);
    expect(result.code).toBe(1);
    expectOneError(result.stderr, /^error: The model wrongkey failed: it answered 401/);
    expect(result.stderr).toMatch(/hint: The endpoint refused the credentials/);
  });
});

describe('quarry ask --conversation', () => {
  let conversation: string;

  beforeAll(async () => {
    const chat = await workspace.run(['chat'], { stdin: [question] });
    expect(chat.code, chat.stderr).toBe(0);
    conversation = /Conversation (\S+) saved/.exec(chat.stderr)?.[1] ?? '';
    expect(await storedMessages(workspace.home, conversation)).toHaveLength(2);
  });

  const failures: Array<{
    name: string;
    args: string[];
    code: number;
    arm?: () => void;
    environment?: Record<string, string>;
    /** Part of the answer reached standard output before the failure. */
    streamedFirst?: boolean;
  }> = [
    { name: 'an empty question', args: [''], code: 2 },
    { name: 'a blank question', args: ['  '], code: 2 },
    {
      name: 'a question too long for the context',
      args: ['--model', 'small', 'retry '.repeat(400)],
      code: 2,
    },
    { name: 'an unknown model', args: ['--model', 'nope', question], code: 2 },
    { name: 'a failing endpoint', args: [question], code: 1, arm: () => fake.failNext(500, 10, 0) },
    {
      // The condense call succeeds; the answer stream is cut after its first words were printed.
      name: 'an answer cut off half-way',
      args: [question],
      code: 1,
      arm: () => cutSecondCall(),
      streamedFirst: true,
    },
    {
      name: 'an endpoint that never answers',
      args: [question],
      code: 1,
      arm: () => fake.hangNext(10),
      environment: { QUARRY_MODEL_TIMEOUT_MS: '500' },
    },
  ];

  it.each(failures)('leaves the stored conversation unchanged after $name', async (failure) => {
    const before = await storedMessages(workspace.home, conversation);
    failure.arm?.();
    const result = await runWith(
      workspace,
      failure.environment ?? {},
      'ask',
      '--conversation',
      conversation,
      ...failure.args,
    );
    expect(result.code, result.stderr).toBe(failure.code);
    expect(result.stderr).toMatch(/^error: /);
    if (failure.streamedFirst) expect(result.stdout).toMatch(/^The sources say:/);
    expect(await storedMessages(workspace.home, conversation)).toEqual(before);
  });

  it('records the exchange once an answer succeeds', async () => {
    const followUp = 'And how many attempts at most?';
    const result = await quarry('ask', '--conversation', conversation, followUp);
    expect(result.code, result.stderr).toBe(0);
    const messages = await storedMessages(workspace.home, conversation);
    expect(messages.map((message) => [message.seq, message.role])).toEqual([
      [1, 'user'],
      [2, 'assistant'],
      [3, 'user'],
      [4, 'assistant'],
    ]);
    expect(messages[2]?.content).toBe(followUp);
  });
});

describe('quarry ask without a language model', () => {
  let bare: Workspace;
  let huggingFace: Server | undefined;
  const downloads: string[] = [];

  /** Where the built-in `hf:` reference is fetched from, below HF_ENDPOINT. */
  const downloadPath = (() => {
    const [owner, repo, ...file] = defaultLocalModel.replace(/^hf:/, '').split('/');
    return `/${owner}/${repo}/resolve/main/${file.join('/')}`;
  })();

  beforeAll(async () => {
    // No models.entries at all; a short answer keeps the first-use model fast.
    bare = await createWorkspace(folder, 'models:\n  maxOutputTokens: 24\n', {
      HF_ENDPOINT: `http://127.0.0.1:${await deadPort()}`,
    });
    await writeTree(path.join(bare.cwd, 'docs'), {
      'retry.md': '# Retries\n\nThe client retries failed requests with exponential backoff.\n',
      'deploy.md': '# Deploying\n\nRoll out with a blue-green deployment.\n',
    });
    expect((await run(bare, 'ingest', 'docs')).code).toBe(0);
  });
  afterAll(async () => {
    if (huggingFace) await new Promise<void>((resolve) => huggingFace?.close(() => resolve()));
  });

  it('shows the best passages, labelled retrieval-only, with one note on stderr', async () => {
    const result = await run(bare, 'ask', question);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      /^note: no language model is available \(.*could not connect \(ECONNREFUSED\)\); answering with the best passages only\.\n$/,
    );
    expect(result.stdout).toMatch(
      /^Retrieval only \(no language model\): the best passages, not a generated answer\.\n\n\[1\] local:docs\/retry\.md:1-3/,
    );
    expect(result.stdout).toContain('    The client retries failed requests with exponential backoff.');

    const json = parseAnswer((await run(bare, 'ask', '--json', question)).stdout);
    expect(Object.keys(json).sort()).toEqual([...answerKeys, 'passages', 'retrievalOnly'].sort());
    expect(json).toMatchObject({
      answer: '',
      model: null,
      usage: {},
      retrievalOnly: { reason: expect.any(String) },
    });
    expect(json.retrievalOnly?.reason).toMatch(/download of the language model/);
    expect(json.passages?.[0]).toMatchObject({
      n: 1,
      source: 'local',
      path: 'docs/retry.md',
      startLine: 1,
      endLine: 3,
      text: expect.stringContaining('exponential backoff'),
    });
    expect(json.citations[0]).toMatchObject({ n: 1, path: 'docs/retry.md' });
    // The failed download left nothing behind, not even a partial file.
    expect(await listFiles(path.join(bare.home, 'models'))).toEqual([]);
  });

  it('downloads the built-in model from HF_ENDPOINT on first use, and reuses it afterwards', async () => {
    const model = await readFile(tinyModelPath);
    huggingFace = createServer((request, response) => {
      downloads.push(request.url ?? '');
      if (request.url !== downloadPath) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': String(model.length),
      });
      response.end(model);
    });
    await new Promise<void>((resolve) => huggingFace?.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(huggingFace.address() as AddressInfo).port}`;

    const first = await runWith(bare, { HF_ENDPOINT: endpoint }, 'ask', question);
    expect(first.code, first.stderr).toBe(0);
    expect(downloads).toEqual([downloadPath]);
    expect(first.stderr).toMatch(/^downloading model local: .* of 1\.\d MiB \(\d+%\)$/m);
    expect(first.stderr).not.toMatch(/^note:/m);
    expect(first.stdout).not.toMatch(/^Retrieval only/);
    expect(first.stdout).toMatch(
      /\n\nSources( given to the model \(none was cited\))?:\n {2}\[1\] local:docs\//,
    );
    const files = await listFiles(path.join(bare.home, 'models'));
    expect(files).toEqual([expect.stringMatching(/^qwen2\.5-0\.5b-instruct-q4_k_m\.[0-9a-f]{8}\.gguf$/)]);
    expect((await stat(path.join(bare.home, 'models', files[0] ?? ''))).size).toBe(model.length);

    const second = await runWith(bare, { HF_ENDPOINT: endpoint }, 'ask', '--json', question);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).not.toMatch(/downloading/);
    expect(downloads).toHaveLength(1);
    const json = parseAnswer(second.stdout);
    expect(json.model).toBe('local');
    expect(json.usage.outputTokens).toBeGreaterThan(0);
    expect(json.retrievalOnly).toBeUndefined();
  });
});

describe('secrets', () => {
  it('never prints an API key or AWS secret', () => {
    expect(printed.length).toBeGreaterThan(20);
    const all = printed.join('\n');
    for (const secret of [apiKey, wrongKey, awsSecret]) expect(all).not.toContain(secret);
  });
});
