import { describe, expect, it } from 'vitest';
import type { ResourceSpecification } from '../resource-specification.ts';
import { validateTemplateText } from '../validate-template.ts';
import { encryptionAtRestRule } from './encryption-at-rest-rule.ts';

const spec: ResourceSpecification = { resourceType: () => undefined, resourceTypeNames: () => [] };

function warnings(text: string) {
  const report = validateTemplateText(text, spec, { rules: [encryptionAtRestRule] });
  expect(report.errors).toEqual([]);
  return report.warnings.map((finding) => finding.path);
}

describe('encryption-at-rest rule', () => {
  it('accepts encrypted storage, and storage that inherits its encryption', () => {
    const text = `
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketEncryption: {ServerSideEncryptionConfiguration: [{ServerSideEncryptionByDefault: {SSEAlgorithm: aws:kms}}]}
  Volume:
    Type: AWS::EC2::Volume
    Properties: {Size: 10, Encrypted: true}
  Restored:
    Type: AWS::EC2::Volume
    Properties: {SnapshotId: snap-1}
  Instance:
    Type: AWS::EC2::Instance
    Properties:
      BlockDeviceMappings:
        - {DeviceName: /dev/xvda, Ebs: {VolumeSize: 20, Encrypted: 'true'}}
        - {DeviceName: /dev/sdb, VirtualName: ephemeral0}
        - {DeviceName: /dev/sdc, NoDevice: {}}
        - {DeviceName: /dev/sdd, Ebs: {Encrypted: !Ref Encrypt}}
  Database:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: postgres, StorageEncrypted: true}
  AuroraMember:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: aurora-postgresql, DBClusterIdentifier: !Ref Cluster}
  Replica:
    Type: AWS::RDS::DBInstance
    Properties: {SourceDBInstanceIdentifier: !Ref Database}
  Cluster:
    Type: AWS::RDS::DBCluster
    Properties: {Engine: aurora-mysql, StorageEncrypted: true}
  ServerlessV1:
    Type: AWS::RDS::DBCluster
    Properties: {Engine: aurora-mysql, EngineMode: serverless}
  Table:
    Type: AWS::DynamoDB::Table
    Properties: {SSESpecification: {SSEEnabled: true}}
`;
    expect(warnings(text)).toEqual([]);
  });

  it('warns about each kind of unencrypted storage', () => {
    const text = `
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties: {}
  Volume:
    Type: AWS::EC2::Volume
    Properties: {Size: 10}
  Template:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData:
        BlockDeviceMappings: [{DeviceName: /dev/xvda, Ebs: {VolumeSize: 20, Encrypted: false}}]
  Configuration:
    Type: AWS::AutoScaling::LaunchConfiguration
    Properties:
      BlockDeviceMappings: [{DeviceName: /dev/xvda, Ebs: {VolumeSize: 20}}]
  Database:
    Type: AWS::RDS::DBInstance
    Properties: {Engine: mysql}
  Cluster:
    Type: AWS::RDS::DBCluster
    Properties: {Engine: aurora-mysql, StorageEncrypted: false}
  Table:
    Type: AWS::DynamoDB::GlobalTable
    Properties: {}
`;
    expect(warnings(text)).toEqual([
      'Resources/Bucket/Properties',
      'Resources/Volume/Properties/Encrypted',
      'Resources/Template/Properties/LaunchTemplateData/BlockDeviceMappings/0/Ebs',
      'Resources/Configuration/Properties/BlockDeviceMappings/0/Ebs',
      'Resources/Database/Properties/StorageEncrypted',
      'Resources/Cluster/Properties/StorageEncrypted',
      'Resources/Table/Properties',
    ]);
  });

  it('says DynamoDB tables are encrypted already', () => {
    const text = 'Resources:\n  Table:\n    Type: AWS::DynamoDB::Table\n    Properties: {}\n';
    const report = validateTemplateText(text, spec, { rules: [encryptionAtRestRule] });
    expect(report.warnings[0]?.message).toContain('DynamoDB already encrypts it with an AWS owned key');
  });

  it('skips values of the wrong shape', () => {
    const text = `
Resources:
  Instance:
    Type: AWS::EC2::Instance
    Properties: {BlockDeviceMappings: [odd, {Ebs: odd}]}
  Template:
    Type: AWS::EC2::LaunchTemplate
    Properties: {LaunchTemplateData: odd}
  NoProperties:
    Type: AWS::S3::Bucket
`;
    expect(warnings(text)).toEqual([]);
  });
});
