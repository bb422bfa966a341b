import type { RuleFinding, TemplatePathSegment } from '../template-finding.ts';
import type { TemplateRule } from '../template-rule.ts';
import { isMapping, type TemplateMapping } from '../template-view.ts';
import { blockDeviceFindings } from './encryption-at-rest-block-devices.ts';
import { databaseFindings } from './encryption-at-rest-databases.ts';
import { isTrueOrComputed } from './encryption-at-rest-values.ts';

/**
 * Storage left unencrypted at rest. Every finding is a warning: none exposes data by itself (someone would
 * also need the disks or backups), S3 and DynamoDB encrypt everything by default anyway (the finding is
 * then about choosing and auditing the key), and EBS may be encrypted by the account's "encryption by
 * default" setting, which the template cannot show. They are still worth fixing before the data arrives:
 * RDS and EBS cannot be encrypted in place later.
 */
export const encryptionAtRestRule: TemplateRule = {
  name: 'encryption-at-rest',
  summary: 'Buckets, volumes, databases and tables declare encryption at rest.',
  *check({ template }) {
    for (const [name, resource] of template.resources) {
      if (!isMapping(resource.Properties) || typeof resource.Type !== 'string') continue;
      const path = ['Resources', name, 'Properties'];
      yield* resourceFindings(resource.Type, resource.Properties, path);
    }
  },
};

function* resourceFindings(
  type: string,
  properties: TemplateMapping,
  path: TemplatePathSegment[],
): Generator<RuleFinding> {
  if (type === 'AWS::S3::Bucket' && !Object.hasOwn(properties, 'BucketEncryption')) {
    yield warning(
      path,
      'This bucket declares no BucketEncryption: S3 still encrypts new objects with S3-managed keys (since January 2023), but add BucketEncryption with SSE-KMS to choose the key and audit its use, or with AES256 to make the choice explicit.',
    );
  }
  if (
    type === 'AWS::EC2::Volume' &&
    !isTrueOrComputed(properties.Encrypted) &&
    !inheritsFromSnapshot(properties)
  ) {
    yield warning(
      [...path, 'Encrypted'],
      'This EBS volume is not encrypted (unless the account turns on EBS encryption by default); set Encrypted: true, with KmsKeyId for your own key.',
    );
  }
  if (type === 'AWS::DynamoDB::Table' || type === 'AWS::DynamoDB::GlobalTable') {
    if (!Object.hasOwn(properties, 'SSESpecification')) {
      yield warning(
        path,
        'This table declares no SSESpecification: DynamoDB already encrypts it with an AWS owned key, so this is only about control; add SSESpecification with SSEEnabled: true to use a KMS key you can audit and revoke.',
      );
    }
  }
  yield* blockDeviceFindings(type, properties, path);
  yield* databaseFindings(type, properties, path);
}

/** A volume made from a snapshot is encrypted exactly when the snapshot is, unless Encrypted says more. */
function inheritsFromSnapshot(properties: TemplateMapping): boolean {
  return Object.hasOwn(properties, 'SnapshotId') && !Object.hasOwn(properties, 'Encrypted');
}

function warning(path: readonly TemplatePathSegment[], message: string): RuleFinding {
  return { severity: 'warning', message, path };
}
