import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  defaultFakeInstanceTypes,
  type FakeEc2Server,
  startFakeEc2Server,
} from '../../../test/support/fake-ec2-server.ts';
import { QuarryError } from '../../core/errors/index.ts';
import type { LaunchRequest } from '../../core/ports/ec2-control.ts';
import { rejectionOf } from '../../models/language-runtime.test-support.ts';
import { createEc2Control } from './create-ec2-control.ts';

let fake: FakeEc2Server;
const secretAccessKey = 'fake-secret-key-that-must-never-appear-0123456789';

beforeAll(async () => {
  fake = await startFakeEc2Server({
    instanceTypes: [
      { instanceType: 't3.medium', vcpus: 2, memoryMiB: 4096, architecture: 'x86_64' },
      { instanceType: 't4g.medium', vcpus: 2, memoryMiB: 4096, architecture: 'arm64' },
    ],
  });
});
beforeEach(() => fake.reset());
afterAll(() => fake.close());

function control(endpoint = fake.endpoint, timeoutMs = 5000) {
  return createEc2Control({
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'AKIAFAKEFAKEFAKEFAKE', secretAccessKey },
    createToken: () => 'token-1',
    timeoutMs,
  });
}

/** What the ambiguous-launch error must say to let the user find the instance. */
const mayHaveLaunched =
  /^EC2 RunInstances got no clear answer in us-east-1 \((ETIMEDOUT|TimeoutError).*\): the instance may have been launched \(ClientToken token-1\)\. Check with: aws ec2 describe-instances --region us-east-1 --filters Name=client-token,Values=token-1\./;

const request: LaunchRequest = {
  imageId: 'resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64',
  instanceType: 't3.medium',
  rootVolume: {
    deviceName: '/dev/xvda',
    sizeGiB: 250,
    volumeType: 'gp3',
    encrypted: true,
    deleteOnTermination: true,
  },
  terminationProtection: false,
  securityGroup: {
    name: 'quarry-minecraft-20250501T080000Z',
    description: 'Quarry: inbound rules for minecraft',
    ingress: [
      { protocol: 'udp', fromPort: 19132, toPort: 19132, cidr: '0.0.0.0/0', description: 'Bedrock IPv4' },
      { protocol: 'udp', fromPort: 19133, toPort: 19133, cidr: '::/0', description: 'Bedrock IPv6' },
    ],
  },
  tags: [{ key: 'Name', value: 'minecraft' }],
  userData: '#!/bin/bash\necho hello\n',
};

describe('createEc2Control against the fake EC2 query API', () => {
  it('describes the offered types only, in GiB with their architecture', async () => {
    const facts = await control().describeInstanceTypes(['t3.medium', 't4g.medium', 'm7i.large']);
    expect(facts.sort((a, b) => a.instanceType.localeCompare(b.instanceType))).toEqual([
      { instanceType: 't3.medium', vcpus: 2, memoryGiB: 4, architectures: ['x86_64'] },
      { instanceType: 't4g.medium', vcpus: 2, memoryGiB: 4, architectures: ['arm64'] },
    ]);
    expect(fake.requests[0]?.params).toMatchObject({
      'Filter.1.Name': 'instance-type',
      'Filter.1.Value.3': 'm7i.large',
    });
  });

  it('follows NextToken through every page of DescribeInstanceTypes', async () => {
    const paged = await startFakeEc2Server({ pageSize: 5 });
    try {
      const names = [...defaultFakeInstanceTypes.slice(0, 12).map((type) => type.instanceType), 'x9.large'];
      const facts = await control(paged.endpoint).describeInstanceTypes(names);
      expect(facts.map((fact) => fact.instanceType).sort()).toEqual(names.slice(0, 12).sort());
      const calls = paged.requests.filter((entry) => entry.action === 'DescribeInstanceTypes');
      expect(calls.map((entry) => entry.params.NextToken === undefined)).toEqual([true, false, false]);
      for (const call of calls) expect(call.params['Filter.1.Value.13']).toBe('x9.large');
    } finally {
      await paged.close();
    }
  });

  it('reads DryRunOperation as allowed and creates nothing', async () => {
    const checks = await control().dryRunLaunch(request);
    expect(checks).toEqual([
      expect.objectContaining({ action: 'CreateSecurityGroup', outcome: 'allowed', code: 'DryRunOperation' }),
      expect.objectContaining({ action: 'RunInstances', outcome: 'allowed', code: 'DryRunOperation' }),
    ]);
    expect(fake.requests.map((entry) => [entry.action, entry.dryRun])).toEqual([
      ['CreateSecurityGroup', true],
      ['RunInstances', true],
    ]);
    expect(fake.securityGroups.size + fake.instances.length).toBe(0);
  });

  it('reads UnauthorizedOperation without the encoded authorization message', async () => {
    fake.denyDryRun(['RunInstances']);
    const [, run] = await control().dryRunLaunch(request);
    expect(run).toMatchObject({ outcome: 'unauthorized', code: 'UnauthorizedOperation' });
    expect(run?.message).toContain('not authorized to perform: ec2:RunInstances');
    expect(run?.message).not.toMatch(/Encoded|[A-Za-z0-9_-]{40,}/);
  });

  it('launches: group, ingress rules, then the instance with every setting', async () => {
    const result = await control().launch(request);
    expect(result.instanceId).toMatch(/^i-[0-9a-f]{17}$/);
    expect(result.securityGroupId).toMatch(/^sg-/);
    expect(fake.requests.map((entry) => entry.action)).toEqual([
      'CreateSecurityGroup',
      'AuthorizeSecurityGroupIngress',
      'RunInstances',
    ]);
    const authorize = fake.requests[1]?.params ?? {};
    expect(authorize).toMatchObject({
      'IpPermissions.1.IpProtocol': 'udp',
      'IpPermissions.1.FromPort': '19132',
      'IpPermissions.1.IpRanges.1.CidrIp': '0.0.0.0/0',
      'IpPermissions.2.Ipv6Ranges.1.CidrIpv6': '::/0',
    });
    expect(fake.instances[0]?.params).toMatchObject({
      InstanceType: 't3.medium',
      ImageId: request.imageId,
      'SecurityGroupId.1': result.securityGroupId,
      'BlockDeviceMapping.1.DeviceName': '/dev/xvda',
      'BlockDeviceMapping.1.Ebs.VolumeSize': '250',
      'BlockDeviceMapping.1.Ebs.VolumeType': 'gp3',
      'BlockDeviceMapping.1.Ebs.Encrypted': 'true',
      DisableApiTermination: 'false',
      'TagSpecification.1.ResourceType': 'instance',
      'TagSpecification.1.Tag.1.Key': 'Name',
      'TagSpecification.2.ResourceType': 'volume',
      UserData: Buffer.from(request.userData ?? '').toString('base64'),
      ClientToken: 'token-1',
    });
  });

  it('deletes the group when RunInstances fails, and says so without the secret', async () => {
    fake.failNext('RunInstances', 'InsufficientInstanceCapacity', 500, 5);
    const error = await rejectionOf(control().launch(request));
    expect(QuarryError.is(error)).toBe(true);
    expect(error.message).toMatch(/EC2 RunInstances failed in us-east-1: InsufficientInstanceCapacity/);
    expect(error.message).toMatch(
      /The security group sg-\w+ made for it was deleted; nothing was left behind\./,
    );
    expect(fake.securityGroups.size).toBe(0);
    expect(fake.deletedGroups).toHaveLength(1);
    expect(fake.instances).toHaveLength(0);
    expect(JSON.stringify({ message: error.message, hint: error.hint })).not.toContain(secretAccessKey);
  });

  it('keeps the group when RunInstances times out, saying the instance may exist and how to find it', async () => {
    // Every attempt launches (once, by client token) but the answer never arrives.
    fake.hangNext('RunInstances', 5);
    const error = await rejectionOf(control(fake.endpoint, 300).launch(request));
    expect(QuarryError.is(error)).toBe(true);
    expect(error.message).toMatch(mayHaveLaunched);
    expect(error.message).toMatch(
      /The security group (sg-\w+) was kept for it; if no instance was launched, delete it with aws ec2 delete-security-group --region us-east-1 --group-id \1\.$/,
    );
    expect(error.hint).toMatch(/new client token/);
    expect(fake.deletedGroups).toEqual([]);
    expect(fake.securityGroups.size).toBe(1);
    expect(fake.instances).toHaveLength(1);
    const runs = fake.requests.filter((entry) => entry.action === 'RunInstances');
    expect(runs.length).toBeGreaterThan(1);
    expect(new Set(runs.map((entry) => entry.params.ClientToken))).toEqual(new Set(['token-1']));
  });

  it('keeps the group when EC2 answers with a generic server error, which does not say', async () => {
    fake.failNext('RunInstances', 'InternalError', 500, 5);
    const error = await rejectionOf(control().launch(request));
    expect(error.message).toMatch(
      /^EC2 RunInstances got no clear answer in us-east-1 \(InternalError: .*Values=token-1\./,
    );
    expect(fake.deletedGroups).toEqual([]);
  });

  it('launches once when an attempt timed out and the retry was answered', async () => {
    fake.hangNext('RunInstances', 1);
    const result = await control(fake.endpoint, 300).launch(request);
    expect(fake.instances.map((instance) => instance.instanceId)).toEqual([result.instanceId]);
    expect(fake.securityGroups.has(result.securityGroupId ?? '')).toBe(true);
  });

  it('says the instance may exist when a launch without a group gets no answer', async () => {
    fake.hangNext('RunInstances', 5);
    const { securityGroup: _, ...withoutGroup } = request;
    const error = await rejectionOf(control(fake.endpoint, 300).launch(withoutGroup));
    expect(error.message).toMatch(mayHaveLaunched);
    expect(error.message).not.toContain('security group');
  });

  it('deletes the group when the ingress rules are refused', async () => {
    fake.failNext('AuthorizeSecurityGroupIngress', 'InvalidPermission.Malformed');
    const error = await rejectionOf(control().launch(request));
    expect(error.message).toMatch(
      /AuthorizeSecurityGroupIngress failed .*InvalidPermission\.Malformed.* was deleted/,
    );
    expect(fake.securityGroups.size).toBe(0);
    expect(fake.requests.map((entry) => entry.action)).not.toContain('RunInstances');
  });
});
