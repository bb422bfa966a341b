import { describe, expect, it } from 'vitest';
import type { ResourceSpecification } from '../resource-specification.ts';
import { validateTemplateText } from '../validate-template.ts';
import { dependsOnRule } from './depends-on-rule.ts';

const spec: ResourceSpecification = { resourceType: () => undefined, resourceTypeNames: () => [] };

function errors(text: string) {
  const report = validateTemplateText(text, spec, { rules: [dependsOnRule] });
  expect(report.warnings).toEqual([]);
  return report.errors.map((finding) => `${finding.path} :: ${finding.message}`);
}

describe('depends-on rule', () => {
  it('accepts DependsOn on other resources and references that form no cycle', () => {
    const text = `
Parameters:
  Env: {Type: String}
Resources:
  Vpc:
    Type: AWS::EC2::VPC
  Gateway:
    Type: AWS::EC2::InternetGateway
  Attachment:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties: {VpcId: !Ref Vpc, InternetGatewayId: !Ref Gateway}
  Ip:
    Type: AWS::EC2::EIP
    DependsOn: [Attachment]
    Properties: {Domain: !Sub '\${Vpc.CidrBlock}'}
  Route:
    Type: AWS::EC2::Route
    DependsOn: Attachment
    Properties: {GatewayId: !GetAtt Gateway.InternetGatewayId}
`;
    expect(errors(text)).toEqual([]);
  });

  it('reports DependsOn on nothing, on a parameter, or on itself', () => {
    const text = `
Parameters:
  Env: {Type: String}
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    DependsOn: [Buckett, Env, Bucket, 42]
`;
    expect(errors(text)).toEqual([
      "Resources/Bucket/DependsOn/0 :: DependsOn names 'Buckett', which is not a resource; did you mean 'Bucket'?",
      "Resources/Bucket/DependsOn/1 :: DependsOn names 'Env', which is a parameter; DependsOn takes resource logical ids only.",
      "Resources/Bucket/DependsOn/2 :: Resource 'Bucket' depends on itself; remove it from DependsOn.",
    ]);
  });

  it('reports cycles through Ref, GetAtt, Sub, DependsOn and Metadata', () => {
    const text = `
Resources:
  AppGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      SecurityGroupIngress: [{SourceSecurityGroupId: !GetAtt LoadBalancerGroup.GroupId}]
  LoadBalancerGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      SecurityGroupEgress: [{DestinationSecurityGroupId: !Ref AppGroup}]
  Function:
    Type: AWS::Lambda::Function
    Properties: {Description: !Sub '\${Topic}'}
  Topic:
    Type: AWS::SNS::Topic
    DependsOn: Function
  Instance:
    Type: AWS::EC2::Instance
    Metadata: {Address: !Ref Address}
  Address:
    Type: AWS::EC2::EIP
    Properties: {InstanceId: !Ref Instance}
  Itself:
    Type: AWS::SNS::Topic
    Properties: {TopicName: !GetAtt Itself.TopicName}
`;
    expect(errors(text).map((line) => line.replace(/\), so .*/, ')'))).toEqual([
      'Resources/AppGroup :: Resources depend on each other in a cycle (AppGroup → LoadBalancerGroup → AppGroup)',
      'Resources/Function :: Resources depend on each other in a cycle (Function → Topic → Function)',
      'Resources/Instance :: Resources depend on each other in a cycle (Instance → Address → Instance)',
      'Resources/Itself :: Resources depend on each other in a cycle (Itself → Itself)',
    ]);
  });

  it('skips values of the wrong shape and Sub variables of the variable map', () => {
    const text = `
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    DependsOn: {Ref: Other}
    Properties:
      BucketName: !Sub ['\${Bucket}', {Bucket: name}]
  Other: not-a-mapping
`;
    expect(errors(text)).toEqual([]);
  });
});
