import type { ResourceTag } from '../../core/ports/ec2-control.ts';
import type { GuardRailViolation } from './launch-plan.ts';
import { type DraftPlan, volumeTypes } from './launch-plan-schema.ts';

/** EBS bounds for gp2/gp3 volumes, in GiB. */
export const rootVolumeBounds = { minimumGiB: 8, maximumGiB: 16384 } as const;

/** EC2 refuses user data above 16 KB (before base64). */
const maxUserDataBytes = 16 * 1024;
const maxTags = 50;
/** Letters, digits, spaces and `_ . : / = + - @`: what EC2 accepts in tags everywhere (also in instance metadata). */
const tagCharacters = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

/** Checks the root volume's size (whole GiB within the EBS bounds) and type. */
export function checkRootVolume(draft: DraftPlan): GuardRailViolation[] {
  const violations: GuardRailViolation[] = [];
  const size = draft.rootVolumeSizeGiB;
  const { minimumGiB, maximumGiB } = rootVolumeBounds;
  if (!Number.isInteger(size) || size < minimumGiB || size > maximumGiB) {
    const nearest = Math.min(maximumGiB, Math.max(minimumGiB, Math.round(Number.isFinite(size) ? size : 0)));
    violations.push({
      rule: 'root-volume-size',
      message: `The root volume size ${size} GiB is outside ${minimumGiB}..${maximumGiB} GiB (whole GiB); nearest allowed: ${nearest} GiB.`,
      hint: `Ask for a root volume between ${minimumGiB} and ${maximumGiB} GiB.`,
    });
  }
  if (!(volumeTypes as readonly string[]).includes(draft.rootVolumeType)) {
    violations.push({
      rule: 'root-volume-type',
      message: `The root volume type "${draft.rootVolumeType}" is not offered; allowed: ${volumeTypes.join(', ')}.`,
      hint: 'Use gp3 (the default), or gp2.',
    });
  }
  return violations;
}

/** Checks tag keys and values: EC2's lengths and characters, no reserved `aws:` prefix, no duplicates. */
export function checkTags(tags: readonly ResourceTag[]): GuardRailViolation[] {
  const violations: GuardRailViolation[] = [];
  const hint = 'Use tag keys of 1-128 and values of up to 256 letters, digits, spaces or _ . : / = + - @.';
  if (tags.length > maxTags) {
    violations.push({
      rule: 'tag',
      message: `The plan has ${tags.length} tags; at most ${maxTags} are allowed.`,
      hint,
    });
  }
  const seen = new Set<string>();
  for (const { key, value } of tags) {
    const problem = tagProblem(key, value, seen);
    if (problem !== undefined) violations.push({ rule: 'tag', message: `Tag "${key}": ${problem}.`, hint });
    seen.add(key);
  }
  return violations;
}

function tagProblem(key: string, value: string, seen: ReadonlySet<string>): string | undefined {
  if (key.length === 0 || key.length > 128) return 'keys must be 1 to 128 characters';
  if (value.length > 256) return 'values must be at most 256 characters';
  if (key.toLowerCase().startsWith('aws:')) return 'the aws: prefix is reserved for AWS';
  if (!tagCharacters.test(key) || !tagCharacters.test(value)) {
    return 'only letters, digits, spaces and _ . : / = + - @ are allowed';
  }
  if (seen.has(key)) return 'the key appears twice';
  return undefined;
}

/** Checks the user data size and the key pair name. */
export function checkInstanceSettings(draft: DraftPlan): GuardRailViolation[] {
  const violations: GuardRailViolation[] = [];
  const userData = draft.userData ?? '';
  const bytes = new TextEncoder().encode(userData).length;
  if (bytes > maxUserDataBytes) {
    violations.push({
      rule: 'user-data',
      message: `The user data is ${bytes} bytes; EC2 accepts at most ${maxUserDataBytes}.`,
      hint: 'Keep the first-boot script short: download a longer one from S3 or a repository instead.',
    });
  }
  const key = draft.keyPairName ?? '';
  if (draft.keyPairName != null && !/^[\x20-\x7e]{1,255}$/.test(key)) {
    violations.push({
      rule: 'key-pair-name',
      message: 'The key pair name must be 1 to 255 printable ASCII characters.',
      hint: 'Name an existing key pair (aws ec2 describe-key-pairs), or none.',
    });
  }
  return violations;
}
