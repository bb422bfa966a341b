import type { IngressPermission, ResourceTag } from '../../core/ports/ec2-control.ts';
import type { ResolvedImage } from './image-aliases.ts';
import type { InstanceTypeSpec } from './instance-catalog.ts';
import type { volumeTypes } from './launch-plan-schema.ts';

/** A plan that passed every guard rail: what Quarry shows, prices, dry-runs and launches. */
export interface LaunchPlan {
  instanceType: InstanceTypeSpec;
  image: ResolvedImage;
  rootVolume: { sizeGiB: number; volumeType: (typeof volumeTypes)[number] };
  terminationProtection: boolean;
  keyPairName?: string;
  ingressRules: IngressPermission[];
  tags: ResourceTag[];
  userData?: string;
  /** The model's explanation of its choices. */
  reasoning: string;
  /** What the model assumed where the request was silent. */
  assumptions: string[];
}

/** A broken guard rail: which rule, what was wrong (with the nearest allowed choices), what to do. */
export interface GuardRailViolation {
  /** Stable rule name, e.g. `open-admin-port`. */
  rule: string;
  message: string;
  hint: string;
}

/** The value of the `Name` tag, when the plan has one. */
export function nameTagOf(plan: Pick<LaunchPlan, 'tags'>): string | undefined {
  return plan.tags.find((tag) => tag.key === 'Name')?.value;
}
