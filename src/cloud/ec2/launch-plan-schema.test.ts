import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { imageAliases, resolveImage } from './image-aliases.ts';
import { launchPlanSchema, readDraftPlan } from './launch-plan-schema.ts';

describe('launchPlanSchema', () => {
  it('lists every field as required, the instance type as an enum of the allowed types', () => {
    const schema = z.toJSONSchema(launchPlanSchema(['t3.small', 't3.medium'])) as {
      required: string[];
      properties: Record<string, { enum?: string[]; type?: unknown }>;
    };
    expect(schema.required.sort()).toEqual(Object.keys(schema.properties).sort());
    expect(schema.properties.instanceType?.enum).toEqual(['t3.small', 't3.medium']);
    expect(schema.properties.keyPairName?.type).toEqual(['string', 'null']);
  });
});

describe('readDraftPlan', () => {
  const plan = {
    instanceType: 'x1.huge',
    image: 'al2023-x86_64',
    rootVolumeSizeGiB: 3,
    terminationProtection: true,
  };

  it('reads a loose plan (for the guard rails to judge) from prose or a fence, with defaults', () => {
    const reading = readDraftPlan(`Sure!\n\`\`\`json\n${JSON.stringify(plan)}\n\`\`\``);
    expect(reading).toEqual({
      draft: { ...plan, rootVolumeType: 'gp3', ingressRules: [], tags: [], reasoning: '', assumptions: [] },
    });
  });

  it('names what is wrong with a reply that is no plan', () => {
    expect(readDraftPlan('no idea')).toEqual({ problem: 'the reply holds no JSON object' });
    expect(readDraftPlan('{"instanceType": "t3.small",}')).toEqual({
      problem: 'the reply is not valid JSON',
    });
    expect(readDraftPlan('{"instanceType": "t3.small"}')).toEqual({
      problem: expect.stringMatching(
        /^the JSON does not fit the plan schema \(image: .*; rootVolumeSizeGiB: .*; terminationProtection: .*\)$/,
      ),
    });
  });
});

describe('resolveImage', () => {
  it('maps aliases to public SSM parameters, and takes their resolve:ssm form or an AMI id', () => {
    expect(resolveImage('Ubuntu-24.04-ARM64', 'a web server')).toEqual({
      specifier: 'ubuntu-24.04-arm64',
      imageId:
        'resolve:ssm:/aws/service/canonical/ubuntu/server/24.04/stable/current/arm64/hvm/ebs-gp3/ami-id',
      ssmParameter: '/aws/service/canonical/ubuntu/server/24.04/stable/current/arm64/hvm/ebs-gp3/ami-id',
      architecture: 'arm64',
      rootDeviceName: '/dev/sda1',
      description: 'Ubuntu 24.04 LTS (arm64)',
    });
    for (const entry of imageAliases) {
      expect(resolveImage(`resolve:ssm:${entry.ssmParameter}`, '').specifier).toBe(entry.alias);
    }
    expect(resolveImage('ami-0123abcd', 'a web server on ami-0123abcd, please')).toMatchObject({
      imageId: 'ami-0123abcd',
      rootDeviceName: '/dev/xvda',
    });
    expect(() => resolveImage('ami-xyz', 'ami-xyz')).toThrow(/neither a known alias nor an AMI id/);
  });

  it('refuses an AMI id the request does not name exactly, listing the aliases', () => {
    const refusal =
      /^The image ami-0123abcd is an AMI id the request does not name; .*Known aliases: al2023-x86_64, al2023-arm64, /;
    expect(() => resolveImage('ami-0123abcd', 'a web server')).toThrow(refusal);
    // A prefix of a longer id, or an id in another case, is not the id the user wrote.
    expect(() => resolveImage('ami-0123abcd', 'use ami-0123abcd0123abcd0')).toThrow(refusal);
    expect(() => resolveImage('ami-0123abcd', 'use AMI-0123ABCD')).toThrow(refusal);
  });
});
