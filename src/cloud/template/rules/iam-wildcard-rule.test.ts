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

  it('reports trust policies that let anyone assume the role, unless a Condition limits who', () => {
    const text = `
Resources:
  Open:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: '*', Action: 'sts:AssumeRole'}
          - {Effect: Allow, Principal: {AWS: ['arn:aws:iam::123456789012:root', '*']}, Action: 'sts:AssumeRole'}
          - {Effect: Allow, Principal: {AWS: '*'}, Action: 'sts:AssumeRole', Condition: {Bool: {aws:SecureTransport: true}}}
  Narrowed:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {Effect: Allow, Principal: '*', Action: 'sts:AssumeRole', Condition: {StringEquals: {aws:PrincipalOrgID: o-1}}}
          - {Effect: Allow, Principal: {AWS: '*'}, Action: 'sts:AssumeRole', Condition: !If [Strict, {}, {}]}
          - {Effect: Deny, Principal: '*', Action: 'sts:AssumeRole'}
          - {Effect: Allow, Principal: {Service: lambda.amazonaws.com}, Action: 'sts:AssumeRole'}
  Function:
    Type: AWS::Serverless::Function
    Properties:
      AssumeRolePolicyDocument: {Statement: [{Effect: Allow, Principal: '*', Action: 'sts:AssumeRole'}]}
`;
    expect(findings(text)).toEqual([
      'error Resources/Open/Properties/AssumeRolePolicyDocument/Statement/0/Principal',
      'error Resources/Open/Properties/AssumeRolePolicyDocument/Statement/1/Principal',
      'error Resources/Open/Properties/AssumeRolePolicyDocument/Statement/2/Principal',
      'error Resources/Function/Properties/AssumeRolePolicyDocument/Statement/0/Principal',
    ]);
  });

  it('counts ARNs that match every resource as *', () => {
    const text = `
Resources:
  Policy:
    Type: AWS::IAM::Policy
    Properties:
      PolicyDocument:
        Statement:
          - {Effect: Allow, Action: '*', Resource: 'arn:aws:*:*:*:*'}
          - {Effect: Allow, Action: '*', Resource: ['arn:aws:s3:::bucket', 'arn:*:*:*:*:*']}
          - {Effect: Allow, Action: '*', Resource: !Sub 'arn:\${AWS::Partition}:*:*:*:*'}
          - {Effect: Allow, Action: '*', Resource: 'arn:aws:s3:*:*:*'}
          - {Effect: Allow, Action: '*', Resource: !Sub 'arn:\${AWS::Partition}:*:*:\${AWS::AccountId}:*'}
`;
    expect(findings(text)).toEqual([
      'error Resources/Policy/Properties/PolicyDocument/Statement/0/Action',
      'error Resources/Policy/Properties/PolicyDocument/Statement/1/Action',
      'error Resources/Policy/Properties/PolicyDocument/Statement/2/Action',
    ]);
  });

  it('warns about iam:* on every resource and about Action * with NotResource', () => {
    const text = `
Resources:
  Policy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - {Effect: Allow, Action: 'iam:*', Resource: '*'}
          - {Effect: Allow, Action: ['s3:GetObject', 'IAM:*'], Resource: 'arn:aws:*:*:*:*'}
          - {Effect: Allow, Action: 'iam:*', Resource: 'arn:aws:iam::123456789012:role/app-*'}
          - {Effect: Allow, Action: 'iam:Get*', Resource: '*'}
          - {Effect: Allow, Action: '*', NotResource: 'arn:aws:s3:::audit/*'}
          - {Effect: Deny, Action: '*', NotResource: 'arn:aws:s3:::audit/*'}
          - {Effect: Allow, Action: 's3:*', NotResource: 'arn:aws:s3:::audit/*'}
`;
    expect(findings(text)).toEqual([
      'warning Resources/Policy/Properties/PolicyDocument/Statement/0/Action',
      'warning Resources/Policy/Properties/PolicyDocument/Statement/1/Action',
      'warning Resources/Policy/Properties/PolicyDocument/Statement/4/NotResource',
    ]);
  });

  it('checks policy documents among the Policies of SAM functions and state machines', () => {
    const text = `
Transform: AWS::Serverless-2016-10-31
Resources:
  Function:
    Type: AWS::Serverless::Function
    Properties:
      Policies:
        - AWSLambdaExecute
        - S3ReadPolicy: {BucketName: bucket}
        - Statement: [{Effect: Allow, Action: '*', Resource: '*'}]
  StateMachine:
    Type: AWS::Serverless::StateMachine
    Properties:
      Policies:
        Version: '2012-10-17'
        Statement: {Effect: Allow, Action: ['*'], Resource: '*'}
  Scoped:
    Type: AWS::Serverless::Function
    Properties:
      Policies: [{Statement: [{Effect: Allow, Action: 's3:GetObject', Resource: '*'}]}]
`;
    expect(findings(text)).toEqual([
      'error Resources/Function/Properties/Policies/2/Statement/0/Action',
      'error Resources/StateMachine/Properties/Policies/Statement/Action',
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
