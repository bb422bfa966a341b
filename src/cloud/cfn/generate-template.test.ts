import { MockLanguageModelV3 } from 'ai/test';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTestSpecification } from '../../../test/support/spec-cache.ts';
import { ValidationError } from '../../core/errors/index.ts';
import { mockRuntime, modelReply, promptOf } from '../../models/language-runtime.test-support.ts';
import type { ResourceSpecification } from '../template/resource-specification.ts';
import { generateTemplate } from './generate-template.ts';

let spec: ResourceSpecification;
beforeAll(async () => {
  spec = await loadTestSpecification();
}, 30_000);

const broken = [
  "AWSTemplateFormatVersion: '2010-09-09'",
  'Resources:',
  '  Logs:',
  '    Type: AWS::S3::Buckett',
  '  Queue:',
  '    Type: AWS::SQS::Queue',
  '    Properties:',
  '      QueueName: !Ref Missing',
].join('\n');

const fixed = [
  "AWSTemplateFormatVersion: '2010-09-09'",
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
].join('\n');

/** A model that answers each call with the next scripted reply (the last one repeats). */
function scripted(...replies: string[]) {
  let call = 0;
  const model = new MockLanguageModelV3({
    doGenerate: async () => modelReply(replies[Math.min(call++, replies.length - 1)] ?? ''),
  });
  return { model, runtime: mockRuntime(model) };
}

const fence = (text: string) => `Here is the template:\n\`\`\`yaml\n${text}\n\`\`\`\nAssumed one queue.`;

describe('generateTemplate', () => {
  it('feeds the findings back and stops at the first valid template', async () => {
    const { model, runtime } = scripted(fence(broken), fence(fixed));
    const result = await generateTemplate(runtime, spec, { request: 'a queue', maxRepairs: 3 });
    expect(result.status).toBe('valid');
    expect(result.template).toContain('AWS::SQS::Queue');
    expect(result.rounds.map((round) => round.errors.length)).toEqual([2, 0]);
    expect(result.fixed.map((finding) => finding.rule)).toEqual(
      expect.arrayContaining(['references', 'resource-type']),
    );
    const repair = promptOf(model.doGenerateCalls[1]).at(-1)?.[1] ?? '';
    expect(repair).toMatch(/\[resource-type\] line 4/);
    expect(repair).toMatch(/AWS::S3::Buckett/);
  });

  it('stops when the model returns the same errors again, and never says valid', async () => {
    const { model, runtime } = scripted(fence(broken));
    const result = await generateTemplate(runtime, spec, { request: 'a queue', maxRepairs: 5 });
    expect(result.status).toBe('repeating');
    expect(model.doGenerateCalls).toHaveLength(2);
    expect(result.report.errors.length).toBeGreaterThan(0);
  });

  it('reports errors that remain when the repairs run out', async () => {
    const other = broken.replace('Buckett', 'Bukket');
    const { runtime } = scripted(fence(broken), fence(other));
    const result = await generateTemplate(runtime, spec, { request: 'a queue', maxRepairs: 1 });
    expect(result.status).toBe('errors-remain');
    expect(result.report.errors.map((finding) => finding.message).join(' ')).toMatch(/Bukket/);
  });

  it('asks again when a reply holds no YAML, and gives up after two such replies', async () => {
    const { model, runtime } = scripted('I would use S3.', 'Still no template.');
    const result = await generateTemplate(runtime, spec, { request: 'a bucket', maxRepairs: 3 });
    expect(result.status).toBe('no-template');
    expect(result.template).toBeUndefined();
    expect(promptOf(model.doGenerateCalls[1]).at(-1)?.[1]).toMatch(/held no YAML template/);
  });

  it('sends the diagram as an image part', async () => {
    const { model, runtime } = scripted(fence(fixed));
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    await generateTemplate(runtime, spec, {
      request: 'what the diagram shows',
      diagram: { bytes, mediaType: 'image/png' },
      maxRepairs: 0,
    });
    const content = model.doGenerateCalls[0]?.prompt.find((message) => message.role === 'user')?.content;
    expect(
      Array.isArray(content) &&
        content.some((part) => part.type === 'file' && part.mediaType === 'image/png'),
    ).toBe(true);
  });

  it('refuses an empty request and a bad repair count before calling the model', async () => {
    const { model, runtime } = scripted(fence(fixed));
    await expect(generateTemplate(runtime, spec, { request: '  ', maxRepairs: 1 })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(generateTemplate(runtime, spec, { request: 'x', maxRepairs: -1 })).rejects.toBeInstanceOf(
      ValidationError,
    );
    expect(model.doGenerateCalls).toHaveLength(0);
  });
});
