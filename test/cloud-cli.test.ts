import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  chatRequests,
  clearFaults,
  createWorkspace,
  tinyModelPath,
  type Workspace,
} from './support/assistant-fixture.ts';
import { type FakeOpenAiServer, startFakeOpenAiServer } from './support/fake-openai-server.ts';
import { testCacheHome } from './support/spec-cache.ts';

let fake: FakeOpenAiServer;
let folder: string;
let workspace: Workspace;

beforeAll(async () => {
  fake = await startFakeOpenAiServer();
  folder = await mkdtemp(path.join(tmpdir(), 'quarry-cloud-cli-'));
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
    tiny:
      provider: llama-cpp
      model: ${JSON.stringify(tinyModelPath)}
`,
    { XDG_CACHE_HOME: testCacheHome },
  );
});
afterEach(() => {
  clearFaults(fake);
  fake.setReply(undefined);
});
afterAll(async () => {
  await fake?.close();
  if (folder) await rm(folder, { recursive: true, force: true });
});

function write(name: string, text: string | Uint8Array): Promise<void> {
  return writeFile(path.join(workspace.cwd, name), text);
}

const goodTemplate = [
  "AWSTemplateFormatVersion: '2010-09-09'",
  'Description: A queue',
  'Resources:',
  '  Queue:',
  '    Type: AWS::SQS::Queue',
  '    DeletionPolicy: Retain',
  '    UpdateReplacePolicy: Retain',
  '    Properties:',
  '      SqsManagedSseEnabled: true',
  'Outputs:',
  '  QueueUrl:',
  '    Value: !Ref Queue',
  '',
].join('\n');

const brokenTemplate = goodTemplate.replace('AWS::SQS::Queue', 'AWS::SQS::Queu');

describe('quarry cloud validate', () => {
  it('exits 0 for a clean template and prints the JSON shape', async () => {
    await write('good.yaml', goodTemplate);
    const result = await workspace.run(['cloud', 'validate', 'good.yaml', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([{ file: 'good.yaml', errors: [], warnings: [] }]);
  });

  it('exits 2 with each finding, its rule, path and line', async () => {
    await write('broken.yaml', brokenTemplate);
    const result = await workspace.run(['cloud', 'validate', 'broken.yaml']);
    expect(result.code).toBe(2);
    expect(result.stdout).toMatch(
      /5:5 +error +AWS::SQS::Queu is not a CloudFormation resource type.*Resources\/Queue\/Type +\[resource-type\]/,
    );
    expect(result.stdout).toMatch(/1 error in 1 of 1 file/);
  });

  it('reports invalid YAML and JSON with line and column, duplicate keys and empty files', async () => {
    await write('tabs.yaml', 'Resources:\n  Queue: {Type: AWS::SQS::Queue\n');
    await write('broken.json', '{\n  "Resources": {\n    "Queue": \n  }\n}\n');
    await write('twice.yaml', 'Resources:\n  Q: {Type: AWS::SQS::Queue}\n  Q: {Type: AWS::SNS::Topic}\n');
    await write('empty.yaml', '');
    const result = await workspace.run([
      'cloud',
      'validate',
      'tabs.yaml',
      'broken.json',
      'twice.yaml',
      'empty.yaml',
      '--json',
    ]);
    expect(result.code).toBe(2);
    const reports = JSON.parse(result.stdout) as Array<{
      file: string;
      errors: Array<Record<string, unknown>>;
    }>;
    const first = (file: string) => reports.find((report) => report.file === file)?.errors[0];
    expect(first('tabs.yaml')).toMatchObject({
      rule: 'template-syntax',
      line: expect.any(Number),
      column: expect.any(Number),
    });
    expect(first('broken.json')).toMatchObject({
      rule: 'template-syntax',
      line: 4,
      message: expect.stringMatching(/Invalid JSON/),
    });
    expect(first('twice.yaml')).toMatchObject({
      rule: 'template-syntax',
      line: 3,
      message: expect.stringMatching(/Duplicate key/),
    });
    expect(first('empty.yaml')).toMatchObject({ rule: 'template-syntax', message: 'The template is empty.' });
  });

  it('refuses a template over 1 MB without reading it', async () => {
    await write('huge.yaml', `Description: ${'x'.repeat(1_000_001)}\nResources: {}\n`);
    const result = await workspace.run(['cloud', 'validate', 'huge.yaml', '--json']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)[0].errors[0]).toMatchObject({
      rule: 'template-size',
      message: expect.stringMatching(/at most 1000000/),
    });
  });

  it('exits 1 when a file cannot be read, still reporting the others', async () => {
    await write('good.yaml', goodTemplate);
    await write('binary.yaml', new Uint8Array([0xff, 0xfe, 0x00, 0x41]));
    const result = await workspace.run(['cloud', 'validate', 'missing.yaml', 'binary.yaml', 'good.yaml']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/missing\.yaml\n {2}cannot read it: no such file/);
    expect(result.stdout).toMatch(/binary\.yaml\n {2}cannot read it: it is not UTF-8 text/);
    expect(result.stdout).toMatch(/2 unreadable/);
  });

  it('exits 1 when a folder holds no templates', async () => {
    await mkdir(path.join(workspace.cwd, 'empty-folder'), { recursive: true });
    const result = await workspace.run(['cloud', 'validate', 'empty-folder']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/No template files .* found in empty-folder/);
  });

  it('searches folders for templates', async () => {
    await write('good.yaml', goodTemplate);
    const result = await workspace.run(['cloud', 'validate', '.', '--json']);
    const files = (JSON.parse(result.stdout) as Array<{ file: string }>).map((report) => report.file);
    expect(files).toContain('good.yaml');
    expect(files).toContain('quarry.config.yaml');
  });
});

const fenced = (text: string) => `Here is the template.\n\`\`\`yaml\n${text}\`\`\`\nI assumed one queue.`;

/** Answers the first chat call with `first`, later ones with `later`. */
function replyInTurn(first: string, later: string): void {
  let calls = 0;
  fake.setReply(() => (calls++ === 0 ? first : later));
}

describe('quarry cloud cfn', () => {
  it('repairs a broken template and writes the valid one with a report', async () => {
    replyInTurn(fenced(brokenTemplate), fenced(goodTemplate));
    const before = chatRequests(fake).length;
    const result = await workspace.run(['cloud', 'cfn', 'an encrypted queue', '--out', 'queue.yaml']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/✔ valid after 1 repair round \(1 finding fixed/);
    expect(await readFile(path.join(workspace.cwd, 'queue.yaml'), 'utf8')).toBe(goodTemplate);
    const report = await readFile(path.join(workspace.cwd, 'queue.report.md'), 'utf8');
    expect(report).toMatch(/## Fixed along the way\n\n- `resource-type` line 5/);
    const requests = chatRequests(fake, before);
    expect(requests).toHaveLength(2);
    expect(JSON.stringify(requests[1]?.body)).toMatch(/AWS::SQS::Queu is not a CloudFormation resource type/);
  });

  it('never writes a template with errors to --out: a draft, a report and exit 1', async () => {
    await write('kept.yaml', goodTemplate);
    fake.setReply(() => fenced(brokenTemplate));
    const result = await workspace.run([
      'cloud',
      'cfn',
      'a queue',
      '--out',
      'kept.yaml',
      '--max-repairs',
      '2',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/NOT valid: the model repeated the same 1 error/);
    expect(await readFile(path.join(workspace.cwd, 'kept.yaml'), 'utf8')).toBe(goodTemplate);
    const draft = await readFile(path.join(workspace.cwd, 'kept.draft.yaml'), 'utf8');
    expect(draft).toMatch(/^# DRAFT written by Quarry: 1 validation error remain/);
    expect(await readFile(path.join(workspace.cwd, 'kept.report.md'), 'utf8')).toMatch(
      /## Remaining errors\n\n- `resource-type`/,
    );
  });

  it('marks a template with errors as a draft on stdout too', async () => {
    fake.setReply(() => fenced(brokenTemplate));
    const result = await workspace.run(['cloud', 'cfn', 'a queue', '--max-repairs', '0']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^# DRAFT written by Quarry: 1 validation error remain/);
    expect(result.stdout).toContain(brokenTemplate);
  });

  it('prints the result as JSON and stops when the model sends no YAML', async () => {
    fake.setReply(() => 'I cannot help with that.');
    const result = await workspace.run(['cloud', 'cfn', 'a queue', '--json']);
    expect(result.code).toBe(1);
    const printed = JSON.parse(result.stdout);
    expect(printed).toMatchObject({ status: 'no-template', errors: [], files: null });
    expect(printed.rounds).toHaveLength(2);
  });

  it('sends a PNG diagram to the model as an image', async () => {
    await write('diagram.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]));
    fake.setReply(() => fenced(goodTemplate));
    const before = chatRequests(fake).length;
    const result = await workspace.run(['cloud', 'cfn', 'build this', '--diagram', 'diagram.png']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(goodTemplate);
    expect(JSON.stringify(chatRequests(fake, before)[0]?.body)).toMatch(/data:image\/png;base64,/);
  });

  it('refuses a bad diagram, a bad repair count or an empty request before any model call', async () => {
    await write('notes.png', 'just text');
    await write('empty.png', '');
    const unreadable = path.join(workspace.cwd, 'locked.png');
    await write('locked.png', 'x');
    await chmod(unreadable, 0o000);
    const before = chatRequests(fake).length;
    const cases: Array<[string[], RegExp]> = [
      [['--diagram', 'notes.png'], /not a PNG or JPEG image/],
      [['--diagram', 'empty.png'], /not a PNG or JPEG image \(it is empty\)/],
      [['--diagram', 'missing.png'], /Cannot read the diagram .*ENOENT/],
      [['--max-repairs', 'many'], /--max-repairs must be a whole number/],
    ];
    // Root reads any file whatever its mode, so the permission case only means something for other users.
    if (process.getuid?.() !== 0) cases.push([['--diagram', 'locked.png'], /Cannot read the diagram/]);
    for (const [args, message] of cases) {
      const result = await workspace.run(['cloud', 'cfn', 'a queue', ...args]);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
    }
    const empty = await workspace.run(['cloud', 'cfn', '   ']);
    expect(empty.code).toBe(2);
    expect(chatRequests(fake, before)).toHaveLength(0);
    expect((await stat(unreadable)).size).toBe(1);
  });

  it('refuses a diagram with the in-process model, which cannot read images', async () => {
    await write('diagram.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const result = await workspace.run([
      'cloud',
      'cfn',
      'a queue',
      '--diagram',
      'diagram.png',
      '--model',
      'tiny',
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot read images/);
  });
});
