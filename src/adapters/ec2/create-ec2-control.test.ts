import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeEc2Server, startFakeEc2Server } from '../../../test/support/fake-ec2-server.ts';
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

function control() {
  return createEc2Control({
    region: 'us-east-1',
    endpoint: fake.endpoint,
    credentials: { accessKeyId: 'AKIAFAKEFAKEFAKEFAKE', secretAccessKey },
    createToken: () => 'token-1',
    timeoutMs: 5000,
  });
}

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
