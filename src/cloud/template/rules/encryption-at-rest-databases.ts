import type { RuleFinding, TemplatePathSegment } from '../template-finding.ts';
import type { TemplateMapping } from '../template-view.ts';
import { isTrueOrComputed } from './encryption-at-rest-values.ts';

/** Properties that make a DB instance take its storage (and its encryption) from somewhere else. */
const inheritingInstanceProperties = [
  'DBClusterIdentifier',
  'DBSnapshotIdentifier',
  'SourceDBInstanceIdentifier',
  'SourceDBClusterIdentifier',
  'SourceDBInstanceAutomatedBackupsArn',
  'SourceDbiResourceId',
  'RestoreTime',
  'UseLatestRestorableTime',
];

/** The same for DB clusters: restored, replicated, or a secondary of a global database. */
const inheritingClusterProperties = [
  'SnapshotIdentifier',
  'SourceDBClusterIdentifier',
  'ReplicationSourceIdentifier',
  'GlobalClusterIdentifier',
  'RestoreToTime',
  'UseLatestRestorableTime',
];

/**
 * RDS instances and clusters without `StorageEncrypted: true`. Aurora instances are skipped (their cluster
 * holds the storage), as are instances and clusters restored or replicated from encrypted sources, and
 * Aurora Serverless v1 clusters (`EngineMode: serverless`), which are always encrypted.
 */
export function* databaseFindings(
  type: string,
  properties: TemplateMapping,
  path: readonly TemplatePathSegment[],
): Generator<RuleFinding> {
  if (isTrueOrComputed(properties.StorageEncrypted)) return;
  if (type === 'AWS::RDS::DBInstance') {
    const engine = typeof properties.Engine === 'string' ? properties.Engine.toLowerCase() : '';
    if (
      engine.startsWith('aurora') ||
      inheritingInstanceProperties.some((key) => Object.hasOwn(properties, key))
    )
      return;
    yield finding(path, 'DB instance');
  }
  if (type === 'AWS::RDS::DBCluster') {
    if (
      properties.EngineMode === 'serverless' ||
      inheritingClusterProperties.some((key) => Object.hasOwn(properties, key))
    )
      return;
    yield finding(path, 'DB cluster');
  }
}

function finding(path: readonly TemplatePathSegment[], what: string): RuleFinding {
  return {
    severity: 'warning',
    message: `This ${what} does not encrypt its storage, and RDS cannot encrypt it later without a snapshot and restore; set StorageEncrypted: true (with KmsKeyId for your own key).`,
    path: [...path, 'StorageEncrypted'],
  };
}
