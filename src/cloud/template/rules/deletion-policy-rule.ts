import type { TemplateRule } from '../template-rule.ts';

/** Types whose DeletionPolicy may be `Snapshot` (CloudFormation's DeletionPolicy documentation). */
const snapshotTypes: ReadonlySet<string> = new Set([
  'AWS::EC2::Volume',
  'AWS::ElastiCache::CacheCluster',
  'AWS::ElastiCache::ReplicationGroup',
  'AWS::Neptune::DBCluster',
  'AWS::RDS::DBCluster',
  'AWS::RDS::DBInstance',
  'AWS::Redshift::Cluster',
  'AWS::DocDB::DBCluster',
]);

/**
 * Stateful types that need no DeletionPolicy of their own: RDS clusters and stand-alone RDS instances are
 * snapshotted by default, cluster members (RDS, Neptune and DocumentDB instances) keep no data apart from
 * their cluster, and a nested stack's resources carry their own policies.
 */
const coveredTypes: ReadonlySet<string> = new Set([
  'AWS::RDS::DBCluster',
  'AWS::RDS::DBInstance',
  'AWS::Neptune::DBInstance',
  'AWS::DocDB::DBInstance',
  'AWS::CloudFormation::Stack',
]);

/**
 * Resources the specification calls stateful (buckets, tables, volumes, queues, keys …) without a
 * `DeletionPolicy`: deleting the stack, or dropping the resource from the template, deletes the data with
 * it. A warning, since throw-away stacks rightly let it go; `DeletionPolicy: Delete` says so on purpose.
 */
export const deletionPolicyRule: TemplateRule = {
  name: 'deletion-policy',
  summary:
    'Stateful resources declare a DeletionPolicy, so deleting the stack does not silently delete data.',
  *check({ template, spec }) {
    for (const [name, resource] of template.resources) {
      const type = resource.Type;
      if (typeof type !== 'string' || Object.hasOwn(resource, 'DeletionPolicy') || coveredTypes.has(type))
        continue;
      if (spec.resourceType(type)?.stateful !== true) continue;
      const choice = snapshotTypes.has(type)
        ? 'DeletionPolicy: Snapshot or Retain'
        : 'DeletionPolicy: Retain';
      yield {
        severity: 'warning',
        message: `${type} '${name}' holds data but has no DeletionPolicy, so deleting the stack deletes the data too; add ${choice} (or Delete, to say it may go).`,
        path: ['Resources', name],
      };
    }
  },
};
