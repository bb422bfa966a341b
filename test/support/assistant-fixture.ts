import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { createSqliteCatalog } from '../../src/adapters/sqlite/sqlite-catalog.ts';
import { runCli } from '../../src/cli/main.ts';
import type { MessageRecord } from '../../src/core/ports/catalog.ts';
import type { FakeOpenAiRequest, FakeOpenAiServer } from './fake-openai-server.ts';

/** The real 1 MB llama model (MIT) shared by the workspace; its text is nonsense, its structure is real. */
export const tinyModelPath = path.resolve(import.meta.dirname, '../../../shared/models/stories260K.gguf');

/** The outcome of one in-process `quarry …` run. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  /** Wall-clock time of the run. */
  elapsedMs: number;
}

/** Options of one run. */
export interface RunOptions {
  /** Added to (and overriding) the workspace's environment. */
  environment?: Record<string, string>;
  /** Lines fed to `quarry chat` as its standard input, each followed by a newline. */
  stdin?: string[];
}

/** A working folder holding `quarry.config.yaml`; its data lives in `<cwd>/.quarry`. */
export interface Workspace {
  cwd: string;
  /** `<cwd>/.quarry`: the catalog, the index, the object store (`objects/`) and downloaded models. */
  home: string;
  run(args: string[], options?: RunOptions): Promise<CliRun>;
}

/**
 * Creates a workspace under `parent` with `config` as its `quarry.config.yaml`, and a runner that calls
 * `runCli` in-process with captured output and only the given environment (plus `HOME` and a quiet log
 * level), so nothing from the machine running the tests leaks in.
 */
export async function createWorkspace(
  parent: string,
  config: string,
  environment: Record<string, string> = {},
): Promise<Workspace> {
  const cwd = await mkdtemp(path.join(parent, 'ws-'));
  await writeFile(path.join(cwd, 'quarry.config.yaml'), config);
  return {
    cwd,
    home: path.join(cwd, '.quarry'),
    run: async (args, options = {}) => {
      let stdout = '';
      let stderr = '';
      const started = Date.now();
      const code = await runCli(args, {
        stdout: (text) => {
          stdout += text;
        },
        stderr: (text) => {
          stderr += text;
        },
        environment: { HOME: cwd, QUARRY_LOG_LEVEL: 'warn', ...environment, ...options.environment },
        cwd,
        interactive: false,
        ...(options.stdin === undefined
          ? {}
          : { stdin: Readable.from(options.stdin.map((line) => `${line}\n`)) }),
      });
      return { code, stdout, stderr, elapsedMs: Date.now() - started };
    },
  };
}

/** Writes `files` (relative path → text) under `root`. */
export async function writeTree(root: string, files: Record<string, string>): Promise<void> {
  for (const [file, body] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), body);
  }
}

/** A port nothing listens on: bound, then released. */
export async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The messages of a conversation, read straight from the catalog file of `home`. */
export async function storedMessages(home: string, conversationId: string): Promise<MessageRecord[]> {
  const catalog = createSqliteCatalog({ path: path.join(home, 'quarry.sqlite') });
  try {
    return await catalog.listMessages(conversationId);
  } finally {
    await catalog.close();
  }
}

/** Every file under `root`, as `/`-separated paths relative to it, sorted; `[]` when `root` does not exist. */
export async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join('/'))
    .sort();
}

/** The chat-completion requests the fake received since index `from`. */
export function chatRequests(fake: FakeOpenAiServer, from = 0): FakeOpenAiRequest[] {
  return fake.requests.slice(from).filter((request) => request.path === '/v1/chat/completions');
}

/** The text of every message of a chat-completion request, joined by blank lines. */
export function promptText(request: FakeOpenAiRequest | undefined): string {
  const messages = (request?.body as { messages?: Array<{ content?: unknown }> } | undefined)?.messages ?? [];
  return messages
    .map((message) =>
      typeof message.content === 'string'
        ? message.content
        : Array.isArray(message.content)
          ? message.content.map((part: { text?: string }) => part.text ?? '').join('')
          : '',
    )
    .join('\n\n');
}

/** Clears the faults still queued on a fake and its scripted reply, so no test leaves them to the next. */
export function clearFaults(fake: {
  failNext(status: number, times?: number): void;
  hangNext(times?: number): void;
  truncateNext(times?: number): void;
  setReply(replier: undefined): void;
}): void {
  fake.failNext(500, 0);
  fake.hangNext(0);
  fake.truncateNext(0);
  fake.setReply(undefined);
}
