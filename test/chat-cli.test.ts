import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultPrompts } from '../src/core/default-prompts.ts';
import {
  chatRequests,
  clearFaults,
  createWorkspace,
  deadPort,
  promptText,
  storedMessages,
  type Workspace,
  writeTree,
} from './support/assistant-fixture.ts';
import { type FakeChatRequest, fakeChatReply } from './support/fake-chat-reply.ts';
import { type FakeOpenAiServer, startFakeOpenAiServer } from './support/fake-openai-server.ts';

const firstQuestion = 'How does the client retry failed requests?';
const followUp = 'And how many attempts at most?';
/** What the scripted model rewrites every follow-up into. */
const standalone = 'How many attempts does the client make when it retries failed requests?';
/** The opening sentence of the condense template: how a condense request is recognised. */
const condenseMarker = defaultPrompts.condense.split('\n')[0] ?? '';

let fake: FakeOpenAiServer;
let folder: string;
let workspace: Workspace;

beforeAll(async () => {
  fake = await startFakeOpenAiServer();
  folder = await mkdtemp(path.join(tmpdir(), 'quarry-chat-cli-'));
  workspace = await createWorkspace(
    folder,
    `
models:
  default: fake
  entries:
    fake:
      provider: openai-compatible
      model: gpt-4o-mini
      baseURL: ${fake.url}
`,
    { HF_ENDPOINT: `http://127.0.0.1:${await deadPort()}` },
  );
  await writeTree(path.join(workspace.cwd, 'docs'), {
    'retry.md':
      '# Retries\n\n## Backoff\n\nThe client retries failed requests with exponential backoff, at most five attempts.\n',
    'deploy.md': '# Deploying\n\nRoll out with a blue-green deployment and a canary fleet.\n',
  });
  expect((await workspace.run(['ingest', 'docs', '--source', 'handbook'])).code).toBe(0);
});
afterEach(() => clearFaults(fake));
afterAll(async () => {
  await fake?.close();
  if (folder) await rm(folder, { recursive: true, force: true });
});

function isCondense(request: FakeChatRequest): boolean {
  return request.messages.at(-1)?.content.startsWith(condenseMarker) === true;
}

/**
 * The fake's usual answers, except for condense requests: {@link followUp} becomes {@link standalone},
 * any other question is already standalone and comes back as it is.
 */
function scriptedReply(request: FakeChatRequest): string {
  if (!isCondense(request)) return fakeChatReply(request);
  const asked = /^Follow-up question: (.*)$/m.exec(request.messages.at(-1)?.content ?? '')?.[1] ?? '';
  return asked === followUp ? standalone : asked;
}

function conversationIdIn(stderr: string): string {
  const id = /^Conversation (c-[0-9a-f]{8}) saved; resume it with: quarry chat --conversation \1$/m.exec(
    stderr,
  )?.[1];
  expect(id, stderr).toBeDefined();
  return id ?? '';
}

describe('quarry chat', () => {
  let conversation: string;

  it('answers a question and a condensed follow-up, sending the earlier exchange along', async () => {
    fake.setReply(scriptedReply);
    const before = fake.requests.length;
    const result = await workspace.run(['chat'], {
      stdin: [firstQuestion, '', '   ', followUp, '/exit', 'This line comes after /exit and is never asked'],
    });
    expect(result.code, result.stderr).toBe(0);
    conversation = conversationIdIn(result.stderr);
    expect(result.stderr).toMatch(/^Ask a question \(one per line\)\. Type \/exit to leave\.\n/);
    expect(result.stderr).not.toMatch(/error|warning/);
    expect(result.stdout.match(/^Sources:$/gm)).toHaveLength(2);

    const requests = chatRequests(fake, before);
    // The first question has no history to condense; the follow-up is condensed, then answered.
    expect(requests).toHaveLength(3);
    const [firstAnswer, condense, secondAnswer] = requests.map(promptText);
    expect(firstAnswer).toContain(`Question: ${firstQuestion}`);
    expect(condense).toContain(condenseMarker);
    expect(condense).toContain(`User: ${firstQuestion}`);
    expect(condense).toMatch(/^Assistant: The sources say: .*\[1\]/m);
    expect(condense).toContain(`Follow-up question: ${followUp}`);

    // The second answer request carries the first exchange as earlier turns, then the follow-up with the
    // passages retrieved for the standalone question.
    const body = requests[2]?.body as { messages?: Array<{ role: string; content: string }> } | undefined;
    const messages = body?.messages ?? [];
    const stored = await storedMessages(workspace.home, conversation);
    expect(messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(messages[1]?.content).toBe(firstQuestion);
    expect(messages[2]?.content).toBe(stored[1]?.content);
    expect(secondAnswer).toContain(`Question: ${followUp}`);
    expect(secondAnswer).toContain('[1] handbook:docs/retry.md:3-5');
    expect(JSON.stringify(fake.requests.slice(before))).not.toContain('never asked');

    expect(stored.map((message) => [message.role, message.content.slice(0, 20)])).toEqual([
      ['user', firstQuestion.slice(0, 20)],
      ['assistant', 'The sources say: "Th'],
      ['user', followUp.slice(0, 20)],
      ['assistant', 'The sources say: "Th'],
    ]);
    // Retrieval used the condensed question, which was asked for before the answer.
    expect(stored[3]?.metadata).toMatchObject({
      standaloneQuestion: standalone,
      model: 'fake',
      citations: [expect.objectContaining({ n: 1, path: 'docs/retry.md', startLine: 3, endLine: 5 })],
    });
  });

  it('lists the conversation with its message count', async () => {
    const result = await workspace.run(['chat', '--list']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(`^${conversation} {2}\\S+ {2}4 messages {2}${firstQuestion.replace(/[?]/g, '\\?')}$`, 'm'),
    );
  });

  it('resumes a conversation with --conversation and continues it', async () => {
    fake.setReply(scriptedReply);
    const before = fake.requests.length;
    const result = await workspace.run(['chat', '--conversation', conversation], {
      stdin: ['How do we roll out a deployment?'],
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      new RegExp(`^Resuming conversation ${conversation} \\(4 messages\\)\\. Type /exit to leave\\.$`, 'm'),
    );
    expect(conversationIdIn(result.stderr)).toBe(conversation);
    const [condense] = chatRequests(fake, before).map(promptText);
    expect(condense).toContain(`User: ${firstQuestion}`);
    expect(condense).toContain(`User: ${followUp}`);
    expect(await storedMessages(workspace.home, conversation)).toHaveLength(6);
    const list = await workspace.run(['chat', '--list']);
    expect(list.stdout).toMatch(new RegExp(`^${conversation} .* 6 messages `, 'm'));
  });

  it('survives a model failure mid-answer: an error line, the loop goes on, no half exchange is stored', async () => {
    // Calls: 1 answers the first question, 2 condenses the second and 3 answers it; that answer is cut off
    // after its first words, so text has already been printed when the model fails.
    let calls = 0;
    fake.setReply((request) => {
      calls += 1;
      if (calls === 3) fake.truncateNext(1);
      return scriptedReply(request);
    });
    const third = 'Which deployment strategy do we use?';
    const before = fake.requests.length;
    const result = await workspace.run(['chat'], { stdin: [firstQuestion, followUp, third] });
    expect(result.code, result.stderr).toBe(0);
    const id = conversationIdIn(result.stderr);
    expect(result.stderr).toMatch(
      /error: The model fake failed\b.*\n(hint: .*\n)?\(nothing was added to the conversation\)$/m,
    );
    // Two whole answers with their sources, and between them the words streamed before the cut.
    expect(result.stdout.match(/The sources say:/g)).toHaveLength(3);
    expect(result.stdout.match(/^Sources:$/gm)).toHaveLength(2);

    expect(id).not.toBe(conversation);
    const stored = await storedMessages(workspace.home, id);
    expect(
      stored.map((message) => [message.seq, message.role, message.role === 'user' ? message.content : '']),
    ).toEqual([
      [1, 'user', firstQuestion],
      [2, 'assistant', ''],
      [3, 'user', third],
      [4, 'assistant', ''],
    ]);
    // The question after the failure was condensed with the stored history only.
    const requests = chatRequests(fake, before).map(promptText);
    const lastCondense = requests.findLast((text) => text.includes(condenseMarker)) ?? '';
    expect(lastCondense).toContain(`Follow-up question: ${third}`);
    expect(lastCondense).not.toContain(followUp);
  });

  it('refuses an unknown --conversation without asking anything or creating a conversation', async () => {
    const before = fake.requests.length;
    const listed = (await workspace.run(['chat', '--list'])).stdout;
    const result = await workspace.run(['chat', '--conversation', 'c-unknown'], { stdin: [firstQuestion] });
    // NotFoundError: a usage error (src/cli/exit-codes.ts).
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      'error: There is no conversation c-unknown.\nhint: Run "quarry chat --list" to see the conversations, or leave out --conversation to start a new one.\n',
    );
    expect(fake.requests.length).toBe(before);
    expect((await workspace.run(['chat', '--list'])).stdout).toBe(listed);
  });
});
