import type {
  AuthorizeSecurityGroupIngressCommandInput,
  CreateSecurityGroupCommandInput,
  IpPermission,
  RunInstancesCommandInput,
  Tag,
} from '@aws-sdk/client-ec2';
import type { IngressPermission, LaunchRequest, ResourceTag } from '../../core/ports/ec2-control.ts';

/** CreateSecurityGroup for the request's group (in the default VPC), tagged like the instance. */
export function createGroupInput(
  group: NonNullable<LaunchRequest['securityGroup']>,
  tags: readonly ResourceTag[],
): CreateSecurityGroupCommandInput {
  return {
    GroupName: group.name,
    Description: group.description,
    ...(tags.length === 0
      ? {}
      : { TagSpecifications: [{ ResourceType: 'security-group', Tags: sdkTags(tags) }] }),
  };
}

/** AuthorizeSecurityGroupIngress for the group's rules; IPv6 ranges go in `Ipv6Ranges`. */
export function authorizeInput(
  groupId: string,
  rules: readonly IngressPermission[],
): AuthorizeSecurityGroupIngressCommandInput {
  return { GroupId: groupId, IpPermissions: rules.map(ipPermission) };
}

function ipPermission(rule: IngressPermission): IpPermission {
  const description = rule.description === '' ? {} : { Description: rule.description };
  return {
    IpProtocol: rule.protocol,
    FromPort: rule.fromPort,
    ToPort: rule.toPort,
    ...(rule.cidr.includes(':')
      ? { Ipv6Ranges: [{ CidrIpv6: rule.cidr, ...description }] }
      : { IpRanges: [{ CidrIp: rule.cidr, ...description }] }),
  };
}

/**
 * RunInstances for one instance: the root volume mapping, termination protection, tags on the instance
 * and its volume, user data in base64 and the client token that makes a retried call launch only once.
 */
export function runInstancesInput(
  request: LaunchRequest,
  groupId: string | undefined,
  clientToken: string | undefined,
): RunInstancesCommandInput {
  const { rootVolume } = request;
  return {
    ImageId: request.imageId,
    InstanceType: request.instanceType as RunInstancesCommandInput['InstanceType'],
    MinCount: 1,
    MaxCount: 1,
    ...(request.keyPairName === undefined ? {} : { KeyName: request.keyPairName }),
    ...(groupId === undefined ? {} : { SecurityGroupIds: [groupId] }),
    BlockDeviceMappings: [
      {
        DeviceName: rootVolume.deviceName,
        Ebs: {
          VolumeSize: rootVolume.sizeGiB,
          VolumeType: rootVolume.volumeType,
          Encrypted: rootVolume.encrypted,
          DeleteOnTermination: rootVolume.deleteOnTermination,
        },
      },
    ],
    DisableApiTermination: request.terminationProtection,
    ...(request.tags.length === 0
      ? {}
      : {
          TagSpecifications: (['instance', 'volume'] as const).map((type) => ({
            ResourceType: type,
            Tags: sdkTags(request.tags),
          })),
        }),
    ...(request.userData === undefined ? {} : { UserData: Buffer.from(request.userData).toString('base64') }),
    ...(clientToken === undefined ? {} : { ClientToken: clientToken }),
  };
}

function sdkTags(tags: readonly ResourceTag[]): Tag[] {
  return tags.map((tag) => ({ Key: tag.key, Value: tag.value }));
}
