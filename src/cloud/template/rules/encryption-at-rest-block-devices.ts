import type { RuleFinding, TemplatePathSegment } from '../template-finding.ts';
import { isMapping, type TemplateMapping } from '../template-view.ts';
import { isTrueOrComputed } from './encryption-at-rest-values.ts';

/** Where each type keeps its block device mappings, below Properties. */
const mappingPlaces: ReadonlyMap<string, readonly string[]> = new Map([
  ['AWS::EC2::Instance', ['BlockDeviceMappings']],
  ['AWS::EC2::LaunchTemplate', ['LaunchTemplateData', 'BlockDeviceMappings']],
  ['AWS::AutoScaling::LaunchConfiguration', ['BlockDeviceMappings']],
]);

/**
 * EBS volumes in block device mappings without `Encrypted: true`. Instance-store entries (`VirtualName`),
 * `NoDevice` entries and volumes restored from a snapshot without an `Encrypted` of their own (they take
 * the snapshot's encryption) are skipped.
 */
export function* blockDeviceFindings(
  type: string,
  properties: TemplateMapping,
  path: readonly TemplatePathSegment[],
): Generator<RuleFinding> {
  const place = mappingPlaces.get(type);
  if (!place) return;
  let mappings: unknown = properties;
  for (const key of place) mappings = isMapping(mappings) ? mappings[key] : undefined;
  if (!Array.isArray(mappings)) return;
  for (const [index, mapping] of mappings.entries()) {
    const ebs = isMapping(mapping) ? mapping.Ebs : undefined;
    if (!isMapping(ebs) || isTrueOrComputed(ebs.Encrypted)) continue;
    if (Object.hasOwn(ebs, 'SnapshotId') && !Object.hasOwn(ebs, 'Encrypted')) continue;
    const device =
      isMapping(mapping) && typeof mapping.DeviceName === 'string' ? ` ${mapping.DeviceName}` : '';
    yield {
      severity: 'warning',
      message: `The EBS volume${device} is not encrypted (unless the account turns on EBS encryption by default); set Ebs.Encrypted: true.`,
      path: [...path, ...place, index, 'Ebs'],
    };
  }
}
