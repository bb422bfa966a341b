import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.ts';
import type { ModelRow } from '../src/models/list-models.ts';
import { type FakeBedrockServer, startFakeBedrockServer } from './support/fake-bedrock-server.ts';
import { type FakeOpenAiServer, startFakeOpenAiServer } from './support/fake-openai-server.ts';
import { cliEnvironment, runQuarry } from './support/run-quarry.ts';

const apiKey = 'sk-MODELSLISTSECRET0123456789';
const awsSecret = 'FAKEAWSSECRETmodelsList0123456789abcdefgh';
const tinyModel = path.resolve(import.meta.dirname, '../../shared/models/stories260K.gguf');

let ollama: FakeOpenAiServer;
let secured: FakeOpenAiServer;
let bedrock: FakeBedrockServer;
let folder: string;
let deadURL: string;

beforeAll(async () => {
  ollama = await startFakeOpenAiServer({ models: ['qwen2.5-coder:7b', 'llama3.2', 'nomic-embed-text'] });
  secured = await startFakeOpenAiServer({ requireApiKey: apiKey, models: ['gpt-4o-mini'] });
  bedrock = await startFakeBedrockServer();
  folder = await mkdtemp(path.join(tmpdir(), 'quarry-models-cli-'));
  deadURL = `http://127.0.0.1:${await deadPort()}/v1`;
});
afterAll(async () => {
  await Promise.all([ollama.close(), secured.close(), bedrock.close()]);
  await rm(folder, { recursive: true, force: true });
});

/** A port nothing listens on: bound, then released. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Runs `quarry …` in-process in a fresh working folder holding `config`, with only `environment`. */
async function run(config: string, environment: Record<string, string>, ...args: string[]) {
  const cwd = await mkdtemp(path.join(folder, 'ws-'));
  await writeFile(path.join(cwd, 'quarry.config.yaml'), config);
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: (text: string) => {
      stdout += text;
    },
    stderr: (text: string) => {
      stderr += text;
    },
    environment: { HOME: cwd, QUARRY_LOG_LEVEL: 'warn', ...environment },
    cwd,
    interactive: false,
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr, cwd };
}

function byName(rows: ModelRow[]): Map<string, ModelRow> {
  return new Map(rows.map((row) => [row.name, row]));
}

const fullConfig = () => `
models:
  default: coder
  baseURL: ${ollama.url}
  entries:
    coder:
      provider: openai-compatible
      model: gpt-4o-mini
      baseURL: ${secured.url}
      apiKey: ${apiKey}
    qwen:
      provider: openai-compatible
      model: qwen2.5-coder:7b
      baseURL: ${ollama.url}
    mistral:
      provider: openai-compatible
      model: mistral:7b
      baseURL: ${ollama.url}
    nova:
      provider: bedrock
      model: amazon.nova-micro-v1:0
    titan:
      provider: bedrock
      model: amazon.titan-text-express-v1
    tiny:
      provider: llama-cpp
      model: ${tinyModel}
    dead:
      provider: openai-compatible
      model: llama3.2
      baseURL: ${deadURL}
`;

const awsEnvironment = () => ({
  AWS_ACCESS_KEY_ID: 'AKIAFAKEMODELSLIST',
  AWS_SECRET_ACCESS_KEY: awsSecret,
  AWS_REGION: 'us-west-2',
  AWS_ENDPOINT_URL_BEDROCK: bedrock.url,
});

describe('quarry models list', () => {
  it('lists configured entries with reachability, then discovered models, as JSON', async () => {
    const home = await mkdtemp(path.join(folder, 'home-'));
    const modelsFolder = path.join(home, 'models');
    await mkdir(path.join(modelsFolder, 'nested'), { recursive: true });
    await copyFile(tinyModel, path.join(modelsFolder, 'nested', 'copy.gguf'));
    await writeFile(path.join(modelsFolder, '.partial.gguf.1234.part'), 'GGUF');
    const environment = { ...awsEnvironment(), QUARRY_HOME: home };
    const result = await run(fullConfig(), environment, 'models', 'list', '--json');
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.stdout) as ModelRow[];
    const rowsByName = byName(rows);

    expect(rows.slice(0, 8).map((row) => [row.name, row.origin, row.reachable])).toEqual([
      ['coder', 'configured', true],
      ['qwen', 'configured', true],
      ['mistral', 'configured', false],
      ['nova', 'configured', true],
      ['titan', 'configured', false],
      ['tiny', 'configured', true],
      ['dead', 'configured', false],
      ['local', 'built-in', false],
    ]);
    expect(rowsByName.get('coder')).toMatchObject({ isDefault: true, provider: 'openai-compatible' });
    expect(rowsByName.get('mistral')?.detail).toMatch(/server up but model not pulled/);
    expect(rowsByName.get('nova')?.detail).toBe('offered by Bedrock in us-west-2');
    expect(rowsByName.get('dead')?.detail).toMatch(/could not connect \(ECONNREFUSED\)/);
    expect(rowsByName.get('local')?.detail).toBe(
      'not downloaded yet: downloads on first use (needs network)',
    );

    const discovered = rows.filter((row) => row.origin === 'discovered').map((row) => row.name);
    expect(discovered).toEqual([
      'openai-compatible:llama3.2:latest',
      'openai-compatible:nomic-embed-text:latest',
      'bedrock:anthropic.claude-3-5-sonnet-20240620-v1:0',
      'bedrock:meta.llama3-8b-instruct-v1:0',
      `llama-cpp:${path.join(modelsFolder, 'nested', 'copy.gguf')}`,
    ]);
    expect(rows.filter((row) => row.origin === 'discovered').every((row) => row.reachable)).toBe(true);
    expect(bedrock.requests.some((request) => request.path === '/foundation-models')).toBe(true);
    for (const secret of [apiKey, awsSecret]) expect(result.stdout + result.stderr).not.toContain(secret);
  });

  it('prints a table marking the default, with notes on sources not searched', async () => {
    const result = await run(
      fullConfig(),
      { AWS_REGION: 'us-west-2', AWS_ENDPOINT_URL_BEDROCK: bedrock.url },
      'models',
      'list',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^ {2}NAME +PROVIDER +MODEL +ORIGIN +REACHABLE +DETAIL/);
    expect(result.stdout).toMatch(/^\* coder +openai-compatible +gpt-4o-mini +configured +yes +listed by/m);
    expect(result.stdout).toMatch(/^ {2}nova +bedrock .* no +no AWS credentials/m);
    expect(result.stdout).toMatch(/Bedrock in us-west-2: no AWS credentials/);
    expect(result.stdout).toMatch(/\* marks the default/);
    expect(result.stdout + result.stderr).not.toContain(apiKey);
  });

  it('still answers, exit code 0, with no network and no credentials at all', async () => {
    const config = `
models:
  baseURL: ${deadURL}
  entries:
    remote:
      provider: openai-compatible
      model: qwen2.5-coder:7b
      baseURL: ${deadURL}
      apiKey: ${apiKey}
    cloud:
      provider: bedrock
      model: amazon.nova-micro-v1:0
      region: eu-central-1
    gpt:
      provider: openai
      model: gpt-4o-mini
`;
    const result = await run(config, {}, 'models', 'list', '--json');
    expect(result.code).toBe(0);
    const rows = JSON.parse(result.stdout) as ModelRow[];
    expect(rows.map((row) => [row.name, row.reachable])).toEqual([
      ['remote', false],
      ['cloud', false],
      ['gpt', false],
      ['local', false],
    ]);
    expect(byName(rows).get('cloud')?.detail).toMatch(/^no AWS credentials/);
    expect(byName(rows).get('gpt')?.detail).toMatch(/^no API key/);
    expect(result.stdout + result.stderr).not.toContain(apiKey);
  });

  it('works from the installed binary too', async () => {
    const cwd = await mkdtemp(path.join(folder, 'bin-'));
    await writeFile(path.join(cwd, 'quarry.config.yaml'), `models:\n  baseURL: ${deadURL}\n`);
    const result = await runQuarry(['models', 'list'], { cwd, env: cliEnvironment({ HOME: cwd }) });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\* local +llama-cpp/m);
    expect(result.stdout).toMatch(/Ollama at http:\/\/127\.0\.0\.1:\d+\/…: could not connect/);
  });
});
