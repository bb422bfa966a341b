import { MockLanguageModelV3 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import { UpstreamError, ValidationError } from '../../core/errors/index.ts';
import type { DryRunCheck, Ec2Control, LaunchRequest } from '../../core/ports/ec2-control.ts';
import {
  mockRuntime,
  modelReply,
  promptOf,
  rejectionOf,
} from '../../models/language-runtime.test-support.ts';
import { applyEc2Launch, checkConsentPossible } from './apply-ec2-launch.ts';
import { minecraftReply, minecraftRequest } from './ec2-plan.test-support.ts';
import { planEc2Launch } from './plan-ec2-launch.ts';

/** A model answering with `replies` in turn (the last one again when they run out). */
function scriptedModel(replies: string[]): MockLanguageModelV3 {
  let call = 0;
  return new MockLanguageModelV3({
    doGenerate: async () => modelReply(replies[Math.min(call++, replies.length - 1)] ?? ''),
  });
}

/** An in-memory control: the region offers `offered`, dry runs answer `dryRun`, launches are recorded. */
function memoryControl(offered: string[], dryRun: DryRunCheck['outcome'] = 'allowed') {
  const launched: LaunchRequest[] = [];
  const control: Ec2Control = {
    region: 'us-east-1',
    describeInstanceTypes: async (names) =>
      names
        .filter((name) => offered.includes(name))
        .map((name) => ({ instanceType: name, vcpus: 2, memoryGiB: 4, architectures: ['x86_64' as const] })),
    dryRunLaunch: async () => [
      {
        action: 'RunInstances',
        outcome: dryRun,
        code: dryRun === 'allowed' ? 'DryRunOperation' : 'UnauthorizedOperation',
        message: 'm',
      },
    ],
    launch: async (request) => {
      launched.push(request);
      return { instanceId: 'i-0123456789abcdef0' };
    },
  };
  return { control, launched };
}

const clock = () => new Date('2025-05-01T08:00:00Z');
const minecraft = { request: minecraftRequest, region: 'us-east-1', allowOpenAdminPorts: false };

describe('planEc2Launch', () => {
  it('plans the Minecraft server from a prompt that gives the model what it needs', async () => {
    const model = scriptedModel([minecraftReply()]);
    const result = await planEc2Launch({ runtime: mockRuntime(model), clock }, minecraft);
    expect(result.plan).toMatchObject({
      instanceType: { name: 't3.medium', vcpus: 2, memoryGiB: 4 },
      rootVolume: { sizeGiB: 250, volumeType: 'gp3' },
      terminationProtection: false,
    });
    expect(result).toMatchObject({
      catalogSource: 'bundled',
      repairRounds: 0,
      dryRun: { status: 'skipped' },
    });
    expect(result.dryRun.summary).toMatch(/^Dry run skipped: no AWS credentials found\. Set AWS_PROFILE/);
    expect(result.cost.monthlyUsd).toBe(54.02);
    expect(result.commands.at(-1)?.command).toMatch(/^aws ec2 run-instances --region us-east-1 /);
    expect(result.cloudFormation).toContain('Type: AWS::EC2::Instance');

    const call = model.doGenerateCalls[0];
    expect(call?.responseFormat).toMatchObject({ type: 'json', name: 'ec2_launch_plan' });
    const schema = JSON.stringify(call?.responseFormat);
    expect(schema).toContain('"t3.medium"');
    const prompt = promptOf(call)
      .map(([, text]) => text)
      .join('\n');
    expect(prompt).toContain(`Request: ${minecraftRequest}`);
    expect(prompt).toContain('t3.medium: 2 vCPU, 4 GiB, x86_64, $0.0416/h (~$30.37/month), burstable');
    expect(prompt).toContain('1/4 TB = 250 GiB');
    expect(prompt).toMatch(
      /Minecraft Bedrock Dedicated Server .* x86_64 Linux only, and listens on UDP 19132/,
    );
    expect(prompt).toMatch(/terminationProtection: false when the user wants it easy to get rid of/);
    expect(prompt).toContain('al2023-x86_64: Amazon Linux 2023 (x86_64)');
    expect(prompt).toMatch(
      /Never open SSH \(22\), Telnet \(23\), RDP \(3389\), VNC \(5900\), WinRM \(5985\), WinRM over HTTPS \(5986\) to the internet \(0\.0\.0\.0\/0, ::\/0, or any source wider than an IPv4 \/16 or an IPv6 \/32/,
    );
    expect(prompt).toMatch(
      /Keep database ports \(SQL Server \(1433\), .*MongoDB \(27017\)\) closed to the internet/,
    );
  });

  it('sends a broken guard rail back once and takes the corrected plan', async () => {
    const model = scriptedModel([
      minecraftReply({ instanceType: 't3.medium' }),
      minecraftReply({ instanceType: 't3.small' }),
    ]);
    const result = await planEc2Launch(
      { runtime: mockRuntime(model), clock },
      { ...minecraft, allowTypes: ['t3.micro', 't3.small'] },
    );
    expect(result.plan.instanceType.name).toBe('t3.small');
    expect(result.repairRounds).toBe(1);
    const repair = promptOf(model.doGenerateCalls[1]);
    expect(repair.map(([role]) => role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(repair[3]?.[1]).toMatch(
      /^Your plan breaks these rules:\n- \[instance-type\] The instance type t3\.medium is not allowed by --allow-types; nearest allowed: t3\.small/,
    );
    // The schema itself already held the model to the allowed types.
    expect(JSON.stringify(model.doGenerateCalls[0]?.responseFormat)).not.toContain('"t3.medium"');
  });

  it('fails with the rule and the nearest choices when the correction still breaks it', async () => {
    const ssh = { protocol: 'tcp', fromPort: 22, toPort: 22, cidr: '0.0.0.0/0', description: 'SSH' };
    const model = scriptedModel([minecraftReply({ ingressRules: [ssh] })]);
    const error = await rejectionOf(planEc2Launch({ runtime: mockRuntime(model), clock }, minecraft));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe(
      'The plan from mock-coder breaks a guard rail even after one correction: [open-admin-port] Ingress rule 1 (tcp 22 from 0.0.0.0/0) opens SSH (port 22) to the whole internet. Quarry counts any public source wider than an IPv4 /16 or an IPv6 /32 as the internet, also when several rules add up to more.',
    );
    expect(error.hint).toMatch(/--allow-open-admin-ports/);
    expect(model.doGenerateCalls).toHaveLength(2);
  });

  it('reads a fenced reply, and gives an UpstreamError for one that is not JSON', async () => {
    const fenced = scriptedModel([`Here is the plan:\n\`\`\`json\n${minecraftReply()}\n\`\`\``]);
    const planned = await planEc2Launch({ runtime: mockRuntime(fenced), clock }, minecraft);
    expect(planned.plan.instanceType.name).toBe('t3.medium');

    const prose = scriptedModel(['I would use a t3.medium with 250 GB.']);
    const error = await rejectionOf(planEc2Launch({ runtime: mockRuntime(prose), clock }, minecraft));
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toBe(
      'The model mock-coder returned no valid EC2 plan: the reply holds no JSON object; it replied: "I would use a t3.medium with 250 GB.".',
    );
    const wrongShape = scriptedModel(['{"instanceType": 5}']);
    const shapeError = await rejectionOf(
      planEc2Launch({ runtime: mockRuntime(wrongShape), clock }, minecraft),
    );
    expect(shapeError.message).toMatch(/the JSON does not fit the plan schema \(instanceType: /);
  });

  it('refuses bad requests before asking the model', async () => {
    const model = scriptedModel([minecraftReply()]);
    const runtime = mockRuntime(model);
    await expect(planEc2Launch({ runtime, clock }, { ...minecraft, request: '  ' })).rejects.toThrow(
      /The request is empty/,
    );
    await expect(planEc2Launch({ runtime, clock }, { ...minecraft, region: 'Virginia' })).rejects.toThrow(
      /"Virginia" is not an AWS region name/,
    );
    await expect(
      planEc2Launch({ runtime, clock }, { ...minecraft, allowTypes: ['t3.huge'] }),
    ).rejects.toThrow(/--allow-types names "t3\.huge"/);
    expect(model.doGenerateCalls).toHaveLength(0);
  });

  it('with credentials: refreshes the catalog from the region and dry-runs the launch', async () => {
    const { control } = memoryControl(['t3.small', 't3.medium']);
    const model = scriptedModel([minecraftReply()]);
    const result = await planEc2Launch({ runtime: mockRuntime(model), clock, control }, minecraft);
    expect(result.catalogSource).toBe('region');
    expect(result.dryRun).toMatchObject({ status: 'passed' });
    expect(result.dryRun.summary).toBe(
      'Dry run passed in us-east-1: RunInstances would succeed (DryRunOperation).',
    );
    const prompt = promptOf(model.doGenerateCalls[0])
      .map(([, text]) => text)
      .join('\n');
    expect(prompt).toContain('t3.small: 2 vCPU');
    expect(prompt).not.toContain('m7i.large');
  });
});

describe('applyEc2Launch', () => {
  async function planned(dryRun: DryRunCheck['outcome']) {
    const memory = memoryControl(['t3.medium'], dryRun);
    const model = scriptedModel([minecraftReply()]);
    const result = await planEc2Launch(
      { runtime: mockRuntime(model), clock, control: memory.control },
      minecraft,
    );
    return { ...memory, result };
  }

  it('launches with --yes, or after "yes" is typed, and not after anything else', async () => {
    const { control, launched, result } = await planned('allowed');
    expect(await applyEc2Launch(control, result, { yes: true })).toEqual({
      instanceId: 'i-0123456789abcdef0',
    });
    const questions: string[] = [];
    const ask = (answer: string | undefined) => async (question: string) => {
      questions.push(question);
      return answer;
    };
    expect(await applyEc2Launch(control, result, { yes: false, ask: ask(' YES ') })).toBeDefined();
    expect(await applyEc2Launch(control, result, { yes: false, ask: ask('no') })).toBeUndefined();
    expect(await applyEc2Launch(control, result, { yes: false, ask: ask(undefined) })).toBeUndefined();
    expect(launched).toHaveLength(2);
    expect(questions[0]).toBe('Launch t3.medium in us-east-1 (about $54.02 a month)? Type yes to launch: ');
  });

  it('refuses without a way to confirm, without credentials, or after a failed dry run', async () => {
    expect(() => checkConsentPossible({ yes: false })).toThrow(/--apply needs a confirmation/);
    const { control, launched, result } = await planned('allowed');
    await expect(applyEc2Launch(undefined, result, { yes: true })).rejects.toThrow(/no AWS credentials/);
    const denied = await planned('unauthorized');
    await expect(applyEc2Launch(denied.control, denied.result, { yes: true })).rejects.toThrow(
      /^Not launched: Dry run did not pass in us-east-1: the credentials may not RunInstances \(UnauthorizedOperation: m\)\.$/,
    );
    await expect(applyEc2Launch(control, result, { yes: false })).rejects.toThrow(/add --yes/i);
    expect(launched.length + denied.launched.length).toBe(0);
  });
});
