import { Scalar, stringify } from 'yaml';
import type { IngressPermission, LaunchRequest, ResourceTag } from '../../core/ports/ec2-control.ts';

/** The parameter that resolves an image alias's public SSM parameter when the stack is deployed. */
const imageParameter = 'LatestImageId';

/**
 * A CloudFormation template (YAML) for `request`: the security group with its ingress rules (when there
 * are any) and the instance with its encrypted root volume, termination protection, tags and user data.
 * An image alias becomes a parameter of type `AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>`, so every
 * deployment gets the latest image. Intrinsic functions use their long form (`Ref`, `Fn::GetAtt`), which
 * any YAML tool reads without CloudFormation's custom tags.
 */
export function renderCloudFormation(request: LaunchRequest, ssmParameter: string | undefined): string {
  // Quoted: a YAML 1.1 reader would otherwise take the version for a date.
  const version = new Scalar('2010-09-09');
  version.type = Scalar.QUOTE_DOUBLE;
  const template: Record<string, unknown> = {
    AWSTemplateFormatVersion: version,
    Description: 'EC2 instance planned by Quarry',
  };
  if (ssmParameter !== undefined) {
    template.Parameters = {
      [imageParameter]: {
        Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>',
        Default: ssmParameter,
        Description: 'Public SSM parameter holding the latest image id',
      },
    };
  }
  const resources: Record<string, unknown> = {};
  if (request.securityGroup !== undefined) {
    resources.InstanceSecurityGroup = {
      Type: 'AWS::EC2::SecurityGroup',
      Properties: {
        GroupDescription: request.securityGroup.description,
        SecurityGroupIngress: request.securityGroup.ingress.map(ingressProperty),
        ...tagsProperty(request.tags),
      },
    };
  }
  resources.Instance = { Type: 'AWS::EC2::Instance', Properties: instanceProperties(request, ssmParameter) };
  template.Resources = resources;
  template.Outputs = { InstanceId: { Value: { Ref: 'Instance' } } };
  return stringify(template, { lineWidth: 0 });
}

function instanceProperties(
  request: LaunchRequest,
  ssmParameter: string | undefined,
): Record<string, unknown> {
  const { rootVolume } = request;
  return {
    ImageId: ssmParameter === undefined ? request.imageId : { Ref: imageParameter },
    InstanceType: request.instanceType,
    ...(request.keyPairName === undefined ? {} : { KeyName: request.keyPairName }),
    ...(request.securityGroup === undefined
      ? {}
      : { SecurityGroupIds: [{ 'Fn::GetAtt': ['InstanceSecurityGroup', 'GroupId'] }] }),
    DisableApiTermination: request.terminationProtection,
    BlockDeviceMappings: [
      {
        DeviceName: rootVolume.deviceName,
        Ebs: {
          VolumeSize: rootVolume.sizeGiB,
          VolumeType: rootVolume.volumeType,
          Encrypted: true,
          DeleteOnTermination: rootVolume.deleteOnTermination,
        },
      },
    ],
    ...(request.userData === undefined ? {} : { UserData: { 'Fn::Base64': request.userData } }),
    ...tagsProperty(request.tags),
  };
}

function ingressProperty(rule: IngressPermission): Record<string, unknown> {
  return {
    IpProtocol: rule.protocol,
    FromPort: rule.fromPort,
    ToPort: rule.toPort,
    ...(rule.cidr.includes(':') ? { CidrIpv6: rule.cidr } : { CidrIp: rule.cidr }),
    ...(rule.description === '' ? {} : { Description: rule.description }),
  };
}

function tagsProperty(tags: readonly ResourceTag[]): Record<string, unknown> {
  if (tags.length === 0) return {};
  return { Tags: tags.map((tag) => ({ Key: tag.key, Value: tag.value })) };
}
