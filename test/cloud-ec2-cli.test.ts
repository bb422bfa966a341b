import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/main.ts';
import { minecraftReply, minecraftRequest } from '../src/cloud/ec2/ec2-plan.test-support.ts';
import type { Ec2PlanResult } from '../src/cloud/ec2/plan-ec2-launch.ts';
import {
  chatRequests,
  clearFaults,
  createWorkspace,
  promptText,
  type Workspace,
} from './support/assistant-fixture.ts';
import { type FakeEc2Server, startFakeEc2Server } from './support/fake-ec2-server.ts';
import { type FakeOpenAiServer, startFakeOpenAiServer } from './support/fake-openai-server.ts';
import { cliEnvironment, runQuarry } from './support/run-quarry.ts';

let openai: FakeOpenAiServer;
let ec2: FakeEc2Server;
let folder: string;
let workspace: Workspace;
const secretAccessKey = 'fake-secret-access-key-never-printed-0123456789';

beforeAll(async () => {
  [openai, ec2] = await Promise.all([startFakeOpenAiServer(), startFakeEc2Server()]);
  folder = await mkdtemp(path.join(tmpdir(), 'quarry-cloud-ec2-cli-'));
  workspace = await createWorkspace(folder, config(), awsEnvironment());
});
beforeEach(() => {
  ec2.reset();
  openai.setReply(() => minecraftReply());
});
afterEach(() => clearFaults(openai));
afterAll(async () => {
  await Promise.all([openai?.close(), ec2?.close()]);
  if (folder) await rm(folder, { recursive: true, force: true });
});

function config(): string {
  return `
sync:
  repos: []
models:
  default: fake
  entries:
    fake:
      provider: openai-compatible
      model: gpt-4o-mini
      baseURL: ${openai.url}
`;
}

/** Fake credentials and the fake EC2 endpoint: the dry run and launches go to the fake. */
function awsEnvironment(): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: 'AKIAFAKEFAKEFAKEFAKE',
    AWS_SECRET_ACCESS_KEY: secretAccessKey,
    AWS_ENDPOINT_URL_EC2: ec2.endpoint,
    AWS_REGION: 'us-east-1',
  };
}

function ec2Run(args: string[]) {
  return workspace.run(['cloud', 'ec2', ...args]);
}

/** Runs `quarry cloud ec2` as on a terminal (interactive), typing `typed` when asked. */
async function ec2RunOnTerminal(args: string[], typed: string) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['cloud', 'ec2', ...args], {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    environment: { HOME: workspace.cwd, QUARRY_LOG_LEVEL: 'warn', ...awsEnvironment() },
    cwd: workspace.cwd,
    interactive: true,
    stdin: Readable.from([`${typed}\n`]),
  });
  return { code, stdout, stderr };
}

/** What `--json` prints. */
type PlanJson = Ec2PlanResult & { launch: unknown };

const sshFromWorld = { protocol: 'tcp', fromPort: 22, toPort: 22, cidr: '0.0.0.0/0', description: 'SSH' };

/** Runs a command that must be refused before any model request or EC2 call. */
async function expectRefusedUpFront(args: string[], message: RegExp) {
  const before = openai.requests.length;
  const result = await ec2Run(args);
  expect(result.code, result.stderr).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(message);
  expect(openai.requests.length).toBe(before);
  expect(ec2.requests).toEqual([]);
  return result;
}

describe('quarry cloud ec2: plans', () => {
  it('plans the Minecraft server: table, cost, commands, template and a passing dry run', async () => {
    const before = openai.requests.length;
    const result = await ec2Run([minecraftRequest]);
    expect(result.code, result.stderr).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/^Instance type +t3\.medium \(2 vCPU, 4 GiB, x86_64, burstable\)$/m);
    expect(out).toMatch(/^Root volume +250 GiB gp3, encrypted, deleted with the instance$/m);
    expect(out).toMatch(/^Termination protection +off$/m);
    expect(out).toMatch(/^Ingress +udp 19132 from 0\.0\.0\.0\/0 \(Minecraft Bedrock IPv4\)$/m);
    expect(out).toMatch(/^Monthly cost +\$54\.02 estimated \(us-east-1 list prices\)$/m);
    expect(out).toMatch(/^ +\$30\.37 t3\.medium instance \(\$0\.0416\/h × 730 h\)$/m);
    expect(out).toMatch(/^ +\$20\.00 250 GiB gp3 root volume \(\$0\.08\/GiB-month\)$/m);
    expect(out).toMatch(/^SECURITY_GROUP_ID=\$\(aws ec2 create-security-group --region us-east-1 /m);
    expect(out).toMatch(
      /^aws ec2 run-instances --region us-east-1 --image-id resolve:ssm:\/aws\/service\/ami-amazon-linux-latest\/al2023-ami-kernel-default-x86_64 --instance-type t3\.medium --count 1 --security-group-ids "\$SECURITY_GROUP_ID" /m,
    );
    expect(out).toContain('Type: AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>');
    expect(out).toContain('Type: AWS::EC2::Instance');
    expect(out).toContain(
      'Dry run passed in us-east-1: CreateSecurityGroup and RunInstances would succeed (DryRunOperation).',
    );
    expect(result.stderr).toBe('');

    const prompt = promptText(chatRequests(openai, before)[0]);
    expect(prompt).toContain(`Request: ${minecraftRequest}`);
    expect(prompt).toContain('t3.medium: 2 vCPU, 4 GiB, x86_64, $0.0416/h');
    expect(prompt).toContain('1/4 TB = 250 GiB');
    // The catalog's types are asked for in two pages of filter values.
    expect(ec2.requests.map((entry) => [entry.action, entry.dryRun])).toEqual([
      ['DescribeInstanceTypes', false],
      ['DescribeInstanceTypes', false],
      ['CreateSecurityGroup', true],
      ['RunInstances', true],
    ]);
    expect(ec2.instances).toEqual([]);
    expect(ec2.securityGroups.size).toBe(0);
  });

  it('prints one JSON object with --json', async () => {
    const result = await ec2Run(['--json', minecraftRequest]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    const json = JSON.parse(result.stdout) as PlanJson;
    expect(Object.keys(json).sort()).toEqual(
      [
        'catalogSource',
        'cloudFormation',
        'commands',
        'cost',
        'dryRun',
        'launch',
        'launchRequest',
        'model',
        'plan',
        'region',
        'repairRounds',
        'request',
        'warnings',
      ].sort(),
    );
    expect(json).toMatchObject({
      region: 'us-east-1',
      model: 'fake',
      catalogSource: 'region',
      plan: {
        instanceType: { name: 't3.medium' },
        rootVolume: { sizeGiB: 250 },
        terminationProtection: false,
      },
      cost: { monthlyUsd: 54.02, priceRegion: 'us-east-1', borrowedPrices: false },
      dryRun: { status: 'passed' },
      warnings: [],
      launch: null,
    });
    expect(json.commands).toHaveLength(3);
  });

  it('marks costs outside us-east-1 as estimates from its prices', async () => {
    const result = await ec2Run(['--region', 'eu-west-1', '--json', minecraftRequest]);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as PlanJson;
    expect(json.cost).toMatchObject({ borrowedPrices: true, priceRegion: 'us-east-1' });
    expect(json.warnings).toContain(
      'Cost is an estimate from us-east-1 prices: no bundled prices for this region.',
    );
  });

  it('skips the dry run with a note when no credentials can be found', async () => {
    const env = cliEnvironment({
      QUARRY_LOG_LEVEL: 'warn',
      AWS_SHARED_CREDENTIALS_FILE: path.join(folder, 'no-such-credentials'),
      AWS_CONFIG_FILE: path.join(folder, 'no-such-config'),
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL_EC2: ec2.endpoint,
    });
    const result = await runQuarry(['cloud', 'ec2', minecraftRequest], { cwd: workspace.cwd, env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^Instance type +t3\.medium/m);
    expect(result.stdout).toContain(
      'Dry run skipped: no AWS credentials found. Set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, to check permissions and parameters with a DryRun call.',
    );
    expect(ec2.requests).toEqual([]);
  });

  it('reports a dry run the credentials may not make, without the encoded message', async () => {
    ec2.denyDryRun(['RunInstances']);
    const result = await ec2Run([minecraftRequest]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /^Dry run did not pass in us-east-1: the credentials may not RunInstances \(UnauthorizedOperation: You are not authorized to perform this operation\. .*ec2:RunInstances action\)\.$/m,
    );
    expect(result.stderr).toMatch(/^warning: Dry run did not pass/m);
    expect(result.stdout + result.stderr).not.toMatch(/Encoded authorization|[A-Za-z0-9_-]{60,}/);
  });
});

describe('quarry cloud ec2 --apply', () => {
  it('launches with --yes: the group, its rules and the instance', async () => {
    const result = await ec2Run(['--apply', '--yes', minecraftRequest]);
    expect(result.code, result.stderr).toBe(0);
    const [instance] = ec2.instances;
    expect(result.stdout).toMatch(
      new RegExp(`^Launched ${instance?.instanceId} with security group sg-\\w+ in us-east-1\\.$`, 'm'),
    );
    expect(instance?.params).toMatchObject({
      InstanceType: 't3.medium',
      'BlockDeviceMapping.1.Ebs.VolumeSize': '250',
      DisableApiTermination: 'false',
      'TagSpecification.1.Tag.1.Value': 'minecraft-bedrock',
    });
    expect([...ec2.securityGroups.values()]).toEqual([expect.objectContaining({ ingress: 2 })]);
  });

  it('refuses --apply without --yes when there is no terminal, launching nothing', async () => {
    await expectRefusedUpFront(
      ['--apply', minecraftRequest],
      /^error: --apply needs a confirmation and there is no terminal to ask on: add --yes to launch without the question\.$/m,
    );
    expect(ec2.instances).toEqual([]);
  });

  it('refuses --apply --json without --yes before loading the model: JSON shows no plan to confirm', async () => {
    const refused = await expectRefusedUpFront(
      ['--apply', '--json', minecraftRequest],
      /^error: --apply with --json needs --yes: the plan is not shown before the question in JSON output\.$/m,
    );
    expect(refused.stderr).toMatch(/^hint: .*--apply --json --yes/m);
    expect(ec2.instances).toEqual([]);
  });

  it('shows a summary of the launch on standard error before asking on a terminal', async () => {
    const declined = await ec2RunOnTerminal(['--apply', minecraftRequest], 'no');
    expect(declined.code, declined.stderr).toBe(1);
    expect(ec2.instances).toEqual([]);
    const summary = declined.stderr.slice(declined.stderr.indexOf('About to launch in us-east-1:'));
    expect(summary).toMatch(/^Instance type +t3\.medium \(2 vCPU, 4 GiB, x86_64, burstable\)$/m);
    expect(summary).toMatch(/^Image +al2023-x86_64: Amazon Linux 2023 \(x86_64\)/m);
    expect(summary).toMatch(/^Root volume +250 GiB gp3, encrypted/m);
    expect(summary).toMatch(/^Ingress +udp 19132 from 0\.0\.0\.0\/0 \(Minecraft Bedrock IPv4\)$/m);
    expect(summary).toMatch(/^ +udp 19133 from ::\/0 \(Minecraft Bedrock IPv6\)$/m);
    expect(summary).toMatch(/^User data +3 lines$/m);
    expect(summary).toMatch(/^Monthly cost +\$54\.02 estimated/m);
    expect(summary).toMatch(
      /Launch t3\.medium in us-east-1 \(about \$54\.02 a month\)\? Type yes to launch: Not launched/,
    );

    const confirmed = await ec2RunOnTerminal(['--apply', minecraftRequest], 'yes');
    expect(confirmed.code, confirmed.stderr).toBe(0);
    expect(confirmed.stderr).toContain('About to launch in us-east-1:');
    expect(ec2.instances).toHaveLength(1);
  });

  it('deletes the security group when RunInstances fails', async () => {
    ec2.failNext('RunInstances', 'VcpuLimitExceeded');
    const result = await ec2Run(['--apply', '--yes', minecraftRequest]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: EC2 RunInstances failed in us-east-1: VcpuLimitExceeded \(Injected failure \(VcpuLimitExceeded\)\.\)\. The security group sg-\w+ made for it was deleted; nothing was left behind\.$/m,
    );
    expect(ec2.instances).toEqual([]);
    expect(ec2.securityGroups.size).toBe(0);
    expect(ec2.deletedGroups).toHaveLength(1);
    expect(result.stdout + result.stderr).not.toContain(secretAccessKey);
  });
});

describe('quarry cloud ec2: guard rails and bad input', () => {
  it('refuses SSH open to the world, after one correction round, unless --allow-open-admin-ports', async () => {
    openai.setReply(() => minecraftReply({ ingressRules: [sshFromWorld] }));
    const before = openai.requests.length;
    const refused = await ec2Run([minecraftRequest]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /^error: The plan from fake breaks a guard rail even after one correction: \[open-admin-port\] /m,
    );
    expect(refused.stderr).toMatch(/^hint: .*--allow-open-admin-ports/m);
    expect(chatRequests(openai, before)).toHaveLength(2);
    expect(promptText(chatRequests(openai, before)[1])).toContain('Your plan breaks these rules:');

    const allowed = await ec2Run(['--allow-open-admin-ports', minecraftRequest]);
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stdout).toMatch(/^Ingress +tcp 22 from 0\.0\.0\.0\/0 \(SSH\)$/m);
    expect(allowed.stderr).toMatch(
      /^warning: SSH \(port 22\) is open to the whole internet \(tcp 22 from 0\.0\.0\.0\/0\): allowed by --allow-open-admin-ports/m,
    );
  });

  it('refuses SSH opened to the whole internet in two halves, and warns about an open database', async () => {
    const half = (cidr: string) => ({ ...sshFromWorld, cidr });
    openai.setReply(() => minecraftReply({ ingressRules: [half('0.0.0.0/1'), half('128.0.0.0/1')] }));
    const refused = await ec2Run([minecraftRequest]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(
      /\[open-admin-port\] Ingress rules 1 and 2 \(tcp 22 from 0\.0\.0\.0\/1; tcp 22 from 128\.0\.0\.0\/1\) together open SSH \(port 22\) to the whole internet\. .*wider than an IPv4 \/16 or an IPv6 \/32/,
    );

    const postgres = { protocol: 'tcp', fromPort: 5432, toPort: 5432, cidr: '0::/0', description: 'db' };
    openai.setReply(() => minecraftReply({ ingressRules: [postgres] }));
    const warned = await ec2Run([minecraftRequest]);
    expect(warned.code, warned.stderr).toBe(0);
    expect(warned.stdout).toMatch(/^Ingress +tcp 5432 from ::\/0 \(db\)$/m);
    expect(warned.stderr).toMatch(
      /^warning: PostgreSQL \(port 5432\) is open to the whole internet \(tcp 5432 from ::\/0\): a database is rarely meant/m,
    );
  });

  it('refuses an AMI id the request does not name', async () => {
    openai.setReply(() => minecraftReply({ image: 'ami-0123456789abcdef0' }));
    const result = await ec2Run([minecraftRequest]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^error: .*\[image\] The image ami-0123456789abcdef0 is an AMI id the request does not name; .*Known aliases: al2023-x86_64, /m,
    );
    const named = await ec2Run([`${minecraftRequest}, on ami-0123456789abcdef0`]);
    expect(named.code, named.stderr).toBe(0);
    expect(named.stdout).toMatch(/^Image +ami-0123456789abcdef0: explicit AMI/m);
  });

  it('refuses a type outside --allow-types, naming the nearest allowed choices', async () => {
    const result = await ec2Run(['--allow-types', 't3.micro,t3.small', minecraftRequest]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^error: The plan from fake breaks a guard rail even after one correction: \[instance-type\] The instance type t3\.medium is not allowed by --allow-types; nearest allowed: t3\.small \(2 vCPU, 2 GiB, x86_64\), t3\.micro \(2 vCPU, 1 GiB, x86_64\)\.$/m,
    );
    expect(ec2.instances).toEqual([]);
  });

  it('refuses bad requests and options before any model request or EC2 call', async () => {
    await expectRefusedUpFront(['   '], /^error: The request is empty/m);
    await expectRefusedUpFront(
      ['--region', 'virginia', 'a web server'],
      /^error: "virginia" is not an AWS region name\.$/m,
    );
    await expectRefusedUpFront(
      ['--allow-types', 't3.small,t9.big', 'a web server'],
      /^error: --allow-types names "t9\.big"/m,
    );
    await expectRefusedUpFront(['--yes', 'a web server'], /^error: --yes only confirms --apply/m);
  });

  it('reports a reply that is not a plan', async () => {
    openai.setReply(() => 'Sorry, I cannot help with servers.');
    const result = await ec2Run([minecraftRequest]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: The model fake returned no valid EC2 plan: the reply holds no JSON object; it replied: "Sorry, I cannot help with servers\."\.$/m,
    );
  });
});
