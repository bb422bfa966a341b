import { beforeAll, describe, expect, it } from 'vitest';
import { loadTestSpecification } from '../../../../test/support/spec-cache.ts';
import type { ResourceSpecification } from '../resource-specification.ts';
import { validateTemplateText } from '../validate-template.ts';
import { deletionPolicyRule } from './deletion-policy-rule.ts';

let spec: ResourceSpecification;
beforeAll(async () => {
  spec = await loadTestSpecification();
});

function warnings(text: string) {
  const report = validateTemplateText(text, spec, { rules: [deletionPolicyRule] });
  expect(report.errors).toEqual([]);
  return report.warnings.map((finding) => `${finding.path} :: ${finding.message}`);
}

describe('deletion-policy rule', () => {
  it('accepts stateful resources with any DeletionPolicy, and stateless ones without', () => {
    const text = `
Resources:
  Kept: {Type: AWS::S3::Bucket, DeletionPolicy: Retain}
  Dropped: {Type: AWS::DynamoDB::Table, DeletionPolicy: Delete}
  Chosen: {Type: AWS::EC2::Volume, DeletionPolicy: !If [IsProd, Snapshot, Delete]}
  Topic: {Type: AWS::SNS::Topic}
  Function: {Type: AWS::Lambda::Function}
`;
    expect(warnings(text)).toEqual([]);
  });

  it('skips types whose data is covered otherwise', () => {
    const text = `
Resources:
  Cluster: {Type: AWS::RDS::DBCluster}
  Member: {Type: AWS::RDS::DBInstance, Properties: {DBClusterIdentifier: !Ref Cluster}}
  Standalone: {Type: AWS::RDS::DBInstance}
  Nested: {Type: AWS::CloudFormation::Stack}
`;
    expect(warnings(text)).toEqual([]);
  });

  it('warns about stateful resources without a DeletionPolicy, offering Snapshot where it exists', () => {
    const text = `
Resources:
  Bucket: {Type: AWS::S3::Bucket}
  Volume: {Type: AWS::EC2::Volume}
`;
    expect(warnings(text)).toEqual([
      "Resources/Bucket :: AWS::S3::Bucket 'Bucket' holds data but has no DeletionPolicy, so deleting the stack deletes the data too; add DeletionPolicy: Retain (or Delete, to say it may go).",
      "Resources/Volume :: AWS::EC2::Volume 'Volume' holds data but has no DeletionPolicy, so deleting the stack deletes the data too; add DeletionPolicy: Snapshot or Retain (or Delete, to say it may go).",
    ]);
  });

  it('skips unknown types and values of the wrong shape', () => {
    expect(warnings('Resources:\n  A: {Type: AWS::Made::Up}\n  B: {Type: [odd]}\n  C: odd\n')).toEqual([]);
  });
});
