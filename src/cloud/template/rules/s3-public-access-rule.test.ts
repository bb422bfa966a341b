import { describe, expect, it } from 'vitest';
import type { ResourceSpecification } from '../resource-specification.ts';
import { validateTemplateText } from '../validate-template.ts';
import { s3PublicAccessRule } from './s3-public-access-rule.ts';

const spec: ResourceSpecification = { resourceType: () => undefined, resourceTypeNames: () => [] };

function findings(text: string) {
  const report = validateTemplateText(text, spec, { rules: [s3PublicAccessRule] });
  return [...report.errors, ...report.warnings].map((finding) => `${finding.severity} ${finding.path}`);
}

function bucketPolicy(statement: string): string {
  return `
Resources:
  Policy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: my-bucket
      PolicyDocument:
        Statement:
          - ${statement}
`;
}

describe('s3-public-access rule', () => {
  it('accepts private buckets and narrowed policies', () => {
    const text = `
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: Private
      PublicAccessBlockConfiguration:
        BlockPublicAcls: true
        BlockPublicPolicy: true
        IgnorePublicAcls: true
        RestrictPublicBuckets: true
  Policy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket
      PolicyDocument:
        Statement:
          - {Effect: Deny, Principal: '*', Action: 's3:*', Resource: '*', Condition: {Bool: {aws:SecureTransport: false}}}
          - {Effect: Allow, Principal: '*', Action: 's3:GetObject', Resource: '*', Condition: {StringEquals: {aws:SourceVpce: vpce-1}}}
          - {Effect: Allow, Principal: {AWS: 'arn:aws:iam::123456789012:root'}, Action: 's3:*', Resource: '*'}
`;
    expect(findings(text)).toEqual([]);
  });

  it('reports public ACLs: writing as an error, reading as a warning', () => {
    const text = `
Resources:
  Open:
    Type: AWS::S3::Bucket
    Properties: {AccessControl: PublicReadWrite}
  Website:
    Type: AWS::S3::Bucket
    Properties: {AccessControl: PublicRead}
  Accounts:
    Type: AWS::S3::Bucket
    Properties: {AccessControl: AuthenticatedRead}
`;
    expect(findings(text)).toEqual([
      'error Resources/Open/Properties/AccessControl',
      'warning Resources/Website/Properties/AccessControl',
      'warning Resources/Accounts/Properties/AccessControl',
    ]);
  });

  it('warns when Block Public Access is switched off', () => {
    const text = `
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      PublicAccessBlockConfiguration: {BlockPublicAcls: true, BlockPublicPolicy: 'false', IgnorePublicAcls: true}
`;
    const report = validateTemplateText(text, spec, { rules: [s3PublicAccessRule] });
    expect(report.warnings.map((finding) => finding.message)).toEqual([
      'PublicAccessBlockConfiguration turns off BlockPublicPolicy, so ACLs or policies can make this bucket public; set them to true unless it is meant to be public.',
    ]);
  });

  it('reports policies open to everyone: reading as a warning, anything else as an error', () => {
    expect(
      findings(bucketPolicy(`{Effect: Allow, Principal: '*', Action: ['s3:GetObject'], Resource: '*'}`)),
    ).toEqual(['warning Resources/Policy/Properties/PolicyDocument/Statement/0/Principal']);
    expect(
      findings(
        bucketPolicy(`{Effect: Allow, Principal: {AWS: ['*']}, Action: 's3:PutObject', Resource: '*'}`),
      ),
    ).toEqual(['error Resources/Policy/Properties/PolicyDocument/Statement/0/Principal']);
    expect(
      findings(bucketPolicy(`{Effect: Allow, Principal: '*', Action: !Ref Actions, Resource: '*'}`)),
    ).toEqual(['warning Resources/Policy/Properties/PolicyDocument/Statement/0/Principal']);
  });

  it('still counts a statement for everyone as public when its Condition only requires TLS', () => {
    expect(
      findings(
        bucketPolicy(
          `{Effect: Allow, Principal: '*', Action: 's3:PutObject', Resource: '*', Condition: {Bool: {aws:SecureTransport: 'true'}}}`,
        ),
      ),
    ).toEqual(['error Resources/Policy/Properties/PolicyDocument/Statement/0/Principal']);
    expect(
      findings(
        bucketPolicy(
          `{Effect: Allow, Principal: '*', Action: 's3:GetObject', Resource: '*', Condition: {Bool: {AWS:SecureTransport: true}, NumericGreaterThanEquals: {s3:TlsVersion: 1.2}}}`,
        ),
      ),
    ).toEqual(['warning Resources/Policy/Properties/PolicyDocument/Statement/0/Principal']);
    expect(
      findings(
        bucketPolicy(
          `{Effect: Allow, Principal: '*', Action: 's3:PutObject', Resource: '*', Condition: {Bool: {aws:SecureTransport: true}, StringEquals: {aws:PrincipalOrgID: o-1}}}`,
        ),
      ),
    ).toEqual([]);
  });

  it('skips values of the wrong shape', () => {
    expect(findings(bucketPolicy('just-a-string'))).toEqual([]);
    expect(findings('Resources:\n  Bucket: {Type: AWS::S3::Bucket, Properties: [odd]}\n')).toEqual([]);
  });
});
