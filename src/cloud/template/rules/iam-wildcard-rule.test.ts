import { describe, expect, it } from 'vitest';
import type { ResourceSpecification } from '../resource-specification.ts';
import { validateTemplateText } from '../validate-template.ts';
import { iamWildcardRule } from './iam-wildcard-rule.ts';

const spec: ResourceSpecification = { resourceType: () => undefined, resourceTypeNames: () => [] };

function findings(text: string) {
  const report = validateTemplateText(text, spec, { rules: [iamWildcardRule] });
  return [...report.errors, ...report.warnings].map((finding) => `${finding.severity} ${finding.path}`);
}

describe('iam-wildcard rule', () => {
  it('accepts scoped statements, Deny, and wildcards on one side only', () => {
    const text = `
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: 'sts:AssumeRole'}]}
      Policies:
        - PolicyName: scoped
          PolicyDocument:
            Statement:
              - {Effect: Allow, Action: 's3:GetObject', Resource: '*'}
              - {Effect: Allow, Action: '*', Resource: 'arn:aws:s3:::bucket/*'}
              - {Effect: Deny, Action: '*', Resource: '*'}
              - {Effect: Allow, Action: !If [Admin, '*', 's3:*'], Resource: '*'}
  Key:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Statement: {Effect: Allow, Principal: {AWS: !Sub 'arn:aws:iam::\${AWS::AccountId}:root'}, Action: 'kms:*', Resource: '*'}
  Endpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      PolicyDocument: {Statement: [{Effect: Allow, Principal: '*', Action: '*', Resource: '*'}]}
`;
    expect(findings(text)).toEqual([]);
  });

  it('reports full administrator statements in identity policies as errors', () => {
    const text = `
Resources:
  Policy:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: admin
      PolicyDocument:
        Statement: {Effect: Allow, Action: '*', Resource: '*'}
  Role:
    Type: AWS::IAM::Role
    Properties:
      Policies:
        - PolicyName: admin
          PolicyDocument:
            Statement: [{Effect: Allow, Action: ['*'], Resource: ['*']}]
  Managed:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement: [{Effect: Allow, Action: ['s3:*', '*'], Resource: '*'}]
`;
    expect(findings(text)).toEqual([
      'error Resources/Policy/Properties/PolicyDocument/Statement/Action',
      'error Resources/Role/Properties/Policies/0/PolicyDocument/Statement/0/Action',
      'error Resources/Managed/Properties/PolicyDocument/Statement/0/Action',
    ]);
  });

  it('warns about wildcards in resource policies and about NotAction with Allow', () => {
    const text = `
Resources:
  TopicPolicy:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [!Ref Topic]
      PolicyDocument:
        Statement: [{Effect: Allow, Principal: {AWS: '123456789012'}, Action: '*', Resource: '*'}]
  Group:
    Type: AWS::IAM::Group
    Properties:
      Policies:
        - PolicyName: power-user
          PolicyDocument:
            Statement: [{Effect: Allow, NotAction: 'iam:*', Resource: '*'}]
`;
    expect(findings(text)).toEqual([
      'warning Resources/TopicPolicy/Properties/PolicyDocument/Statement/0/Action',
      'warning Resources/Group/Properties/Policies/0/PolicyDocument/Statement/0/NotAction',
    ]);
  });

  it('skips values of the wrong shape', () => {
    const text = `
Resources:
  Policy:
    Type: AWS::IAM::Policy
    Properties: {PolicyDocument: '{"Statement": []}'}
  Role:
    Type: AWS::IAM::Role
    Properties: {Policies: [odd, {PolicyDocument: {Statement: [42, null]}}]}
`;
    expect(findings(text)).toEqual([]);
  });
});
