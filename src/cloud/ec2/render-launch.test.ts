import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { catalogSettings, minecraftAnswer } from './ec2-plan.test-support.ts';
import { estimateCost } from './estimate-cost.ts';
import { checkGuardRails } from './guard-rails.ts';
import type { LaunchPlan } from './launch-plan.ts';
import type { DraftPlan } from './launch-plan-schema.ts';
import { launchRequestFor } from './launch-request.ts';
import { renderAwsCli } from './render-aws-cli.ts';
import { renderCloudFormation } from './render-cloudformation.ts';
import { shellQuote } from './shell-quote.ts';

function planOf(overrides: Partial<DraftPlan> = {}, settings = catalogSettings()): LaunchPlan {
  const outcome = checkGuardRails(minecraftAnswer(overrides), settings);
  if (!('plan' in outcome)) throw new Error(JSON.stringify(outcome.violations));
  return outcome.plan;
}

const createdAt = new Date('2025-05-01T08:00:00Z');

/** Runs the commands in bash with `aws` replaced by a function recording its arguments, one JSON array a call. */
function argumentsSeenBy(script: string): string[][] {
  const folder = mkdtempSync(path.join(tmpdir(), 'quarry-aws-cli-'));
  const calls = path.join(folder, 'calls.jsonl');
  const stub = `aws() { node -e 'console.log(JSON.stringify(process.argv.slice(1)))' -- "$@" >> ${shellQuote(calls)}; if [ "$2" = create-security-group ]; then echo sg-0123; fi; }`;
  try {
    execFileSync('bash', ['-e', '-c', `${stub}\n${script}`], { stdio: 'ignore' });
    return readFileSync(calls, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as string[]);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

describe('estimateCost', () => {
  it('prices the instance for 730 hours, the volume per GiB-month and the public IPv4 address', () => {
    const cost = estimateCost(planOf(), 'us-east-1');
    expect(cost.lines.map((line) => [line.item, line.monthlyUsd])).toEqual([
      ['t3.medium instance', 30.37],
      ['250 GiB gp3 root volume', 20],
      ['public IPv4 address', 3.65],
    ]);
    expect(cost).toMatchObject({ monthlyUsd: 54.02, priceRegion: 'us-east-1', borrowedPrices: false });
    expect(cost.notes.join(' ')).toMatch(/burstable \(unlimited mode\).*\$0\.05 per vCPU-hour/);
  });

  it('says when another region is priced with us-east-1 prices', () => {
    const cost = estimateCost(
      planOf({ instanceType: 'm7i.large', rootVolumeType: 'gp2', rootVolumeSizeGiB: 100 }),
      'eu-west-1',
    );
    expect(cost).toMatchObject({
      monthlyUsd: 73.58 + 10 + 3.65,
      borrowedPrices: true,
      priceRegion: 'us-east-1',
    });
    expect(cost.notes).toContain(
      'No bundled prices for eu-west-1: these are us-east-1 prices, and eu-west-1 may charge more or less.',
    );
  });
});

describe('shellQuote', () => {
  it('leaves safe words bare and quotes the rest so the shell reads them back unchanged', () => {
    expect(shellQuote('t3.medium')).toBe('t3.medium');
    expect(shellQuote('resolve:ssm:/aws/service/x')).toBe('resolve:ssm:/aws/service/x');
    const tricky = ["it's", 'a b', '$HOME', '`id`', '"quoted"', 'line\nbreak', '', '*', "''"];
    const echoed = execFileSync('bash', ['-c', `printf '%s\\0' ${tricky.map(shellQuote).join(' ')}`], {
      encoding: 'utf8',
    });
    expect(echoed.split('\0').slice(0, -1)).toEqual(tricky);
  });
});

describe('renderAwsCli', () => {
  it('creates the group, opens its ports and runs the instance, each argument arriving intact', () => {
    const plan = planOf({ tags: [{ key: 'Name', value: 'mc server 1' }], keyPairName: `it's "my" $key` });
    const request = launchRequestFor(plan, createdAt);
    const commands = renderAwsCli(request, 'us-east-1');
    expect(commands.map((command) => command.purpose)).toEqual([
      'create the security group and keep its id',
      'open the inbound ports',
      'launch the instance',
    ]);
    const calls = argumentsSeenBy(commands.map((command) => command.command).join('\n'));
    expect(calls.map((call) => call.slice(0, 2))).toEqual([
      ['ec2', 'create-security-group'],
      ['ec2', 'authorize-security-group-ingress'],
      ['ec2', 'run-instances'],
    ]);
    const [create = [], authorize = [], run = []] = calls;
    const valueAfter = (call: string[], flag: string) => call[call.indexOf(flag) + 1];
    expect(valueAfter(create, '--group-name')).toBe('quarry-mc-server-1-20250501T080000Z');
    expect(valueAfter(authorize, '--group-id')).toBe('sg-0123');
    expect(JSON.parse(valueAfter(authorize, '--ip-permissions') ?? '')).toEqual([
      {
        IpProtocol: 'udp',
        FromPort: 19132,
        ToPort: 19132,
        IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'Minecraft Bedrock IPv4' }],
      },
      {
        IpProtocol: 'udp',
        FromPort: 19133,
        ToPort: 19133,
        Ipv6Ranges: [{ CidrIpv6: '::/0', Description: 'Minecraft Bedrock IPv6' }],
      },
    ]);
    expect(valueAfter(run, '--image-id')).toBe(
      'resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
    );
    expect(valueAfter(run, '--security-group-ids')).toBe('sg-0123');
    expect(valueAfter(run, '--key-name')).toBe(`it's "my" $key`);
    expect(valueAfter(run, '--user-data')).toBe(plan.userData);
    expect(run).toContain('--no-disable-api-termination');
    expect(JSON.parse(valueAfter(run, '--block-device-mappings') ?? '')).toEqual([
      {
        DeviceName: '/dev/xvda',
        Ebs: { VolumeSize: 250, VolumeType: 'gp3', Encrypted: true, DeleteOnTermination: true },
      },
    ]);
    expect(JSON.parse(valueAfter(run, '--tag-specifications') ?? '')[1]).toEqual({
      ResourceType: 'volume',
      Tags: [{ Key: 'Name', Value: 'mc server 1' }],
    });
  });

  it('runs the instance alone (default group) when there are no rules, with termination protection', () => {
    const request = launchRequestFor(planOf({ ingressRules: [], terminationProtection: true }), createdAt);
    const commands = renderAwsCli(request, 'eu-west-1');
    expect(commands).toHaveLength(1);
    expect(commands[0]?.command).toMatch(
      /^aws ec2 run-instances --region eu-west-1 .*--disable-api-termination /,
    );
    expect(commands[0]?.command).not.toContain('security-group');
  });

  it('leaves out --tag-specifications when the plan has no tags, as the API call does', () => {
    const commands = renderAwsCli(launchRequestFor(planOf({ tags: [] }), createdAt), 'us-east-1');
    expect(commands).toHaveLength(3);
    for (const { command } of commands) expect(command).not.toContain('--tag-specifications');
    const [create = []] = argumentsSeenBy(commands.map((command) => command.command).join('\n'));
    expect(create.slice(0, 2)).toEqual(['ec2', 'create-security-group']);
  });
});

describe('renderCloudFormation', () => {
  it('declares the group and the instance, with the image from its public SSM parameter', () => {
    const plan = planOf();
    const template = parse(renderCloudFormation(launchRequestFor(plan, createdAt), plan.image.ssmParameter));
    expect(template.Parameters.LatestImageId).toEqual({
      Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>',
      Default: '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
      Description: expect.any(String),
    });
    expect(template.Resources.InstanceSecurityGroup.Properties.SecurityGroupIngress).toEqual([
      {
        IpProtocol: 'udp',
        FromPort: 19132,
        ToPort: 19132,
        CidrIp: '0.0.0.0/0',
        Description: 'Minecraft Bedrock IPv4',
      },
      {
        IpProtocol: 'udp',
        FromPort: 19133,
        ToPort: 19133,
        CidrIpv6: '::/0',
        Description: 'Minecraft Bedrock IPv6',
      },
    ]);
    expect(template.Resources.Instance).toEqual({
      Type: 'AWS::EC2::Instance',
      Properties: {
        ImageId: { Ref: 'LatestImageId' },
        InstanceType: 't3.medium',
        SecurityGroupIds: [{ 'Fn::GetAtt': ['InstanceSecurityGroup', 'GroupId'] }],
        DisableApiTermination: false,
        BlockDeviceMappings: [
          {
            DeviceName: '/dev/xvda',
            Ebs: { VolumeSize: 250, VolumeType: 'gp3', Encrypted: true, DeleteOnTermination: true },
          },
        ],
        UserData: { 'Fn::Base64': plan.userData },
        Tags: [
          { Key: 'Name', Value: 'minecraft-bedrock' },
          { Key: 'purpose', Value: 'game server' },
        ],
      },
    });
    expect(template.Outputs.InstanceId.Value).toEqual({ Ref: 'Instance' });
  });

  it('uses an explicit AMI id as is, without a parameter or a group', () => {
    const plan = planOf(
      { image: 'ami-0123456789abcdef0', ingressRules: [], userData: null },
      catalogSettings({ request: 'a server from ami-0123456789abcdef0' }),
    );
    const template = parse(renderCloudFormation(launchRequestFor(plan, createdAt), plan.image.ssmParameter));
    expect(template.Parameters).toBeUndefined();
    expect(template.Resources.InstanceSecurityGroup).toBeUndefined();
    expect(template.Resources.Instance.Properties.ImageId).toBe('ami-0123456789abcdef0');
    expect(template.Resources.Instance.Properties.UserData).toBeUndefined();
  });
});

describe('renderCloudFormation text', () => {
  it('quotes the format version so that no YAML reader takes it for a date', () => {
    const plan = planOf();
    const text = renderCloudFormation(launchRequestFor(plan, createdAt), plan.image.ssmParameter);
    expect(text.split('\n')[0]).toBe('AWSTemplateFormatVersion: "2010-09-09"');
  });
});
