import { QuarryError } from '../../core/errors/index.ts';
import { imageAliases, type ResolvedImage, resolveImage } from './image-aliases.ts';
import type { InstanceTypeSpec } from './instance-catalog.ts';
import { instanceCatalog } from './instance-catalog.ts';
import {
  describeInstanceType,
  findInstanceType,
  type InstanceChoices,
  nearestInstanceTypes,
} from './instance-choices.ts';
import type { GuardRailViolation, LaunchPlan } from './launch-plan.ts';
import type { DraftPlan } from './launch-plan-schema.ts';
import { checkIngressRules } from './network-guard-rails.ts';
import { checkInstanceSettings, checkRootVolume, checkTags } from './resource-guard-rails.ts';

/** What the guard rails allow. */
export interface GuardRailSettings {
  choices: InstanceChoices;
  /** `--allow-open-admin-ports`: remote-administration ports (SSH, RDP, …) may be open to the internet. */
  allowOpenAdminPorts: boolean;
  /** For messages: the region the choices are for. */
  region: string;
  /** The user's request: an explicit `ami-…` id is only taken when it is written here. */
  request: string;
}

/** The checked plan, or what is wrong with the draft. */
export type GuardRailOutcome = { plan: LaunchPlan; violations: [] } | { violations: GuardRailViolation[] };

/**
 * Checks a model's draft against every rule in code (the model is told the rules, but never trusted to
 * follow them): instance type in the allowed list, image an alias or an AMI id the request names, of the
 * instance's architecture,
 * root volume bounds, ingress rules, tags, user data, key pair name.
 */
export function checkGuardRails(draft: DraftPlan, settings: GuardRailSettings): GuardRailOutcome {
  const instance = checkInstanceType(draft.instanceType, settings);
  const image = checkImage(draft.image, settings.request);
  const ingress = checkIngressRules(draft.ingressRules, settings.allowOpenAdminPorts);
  const violations = [
    ...instance.violations,
    ...image.violations,
    ...architectureViolations(instance.spec, image.image, settings.choices),
    ...checkRootVolume(draft),
    ...ingress.violations,
    ...checkTags(draft.tags),
    ...checkInstanceSettings(draft),
  ];
  if (violations.length > 0 || instance.spec === undefined || image.image === undefined)
    return { violations };
  return { plan: planOf(draft, instance.spec, image.image, ingress.rules), violations: [] };
}

function planOf(
  draft: DraftPlan,
  spec: InstanceTypeSpec,
  image: ResolvedImage,
  ingressRules: LaunchPlan['ingressRules'],
): LaunchPlan {
  return {
    instanceType: spec,
    image,
    rootVolume: {
      sizeGiB: draft.rootVolumeSizeGiB,
      volumeType: draft.rootVolumeType === 'gp2' ? 'gp2' : 'gp3',
    },
    terminationProtection: draft.terminationProtection,
    ...(draft.keyPairName ? { keyPairName: draft.keyPairName } : {}),
    ingressRules,
    tags: draft.tags,
    ...(draft.userData ? { userData: draft.userData } : {}),
    reasoning: draft.reasoning.trim(),
    assumptions: draft.assumptions.map((line) => line.trim()).filter(Boolean),
  };
}

function checkInstanceType(
  name: string,
  settings: GuardRailSettings,
): { spec?: InstanceTypeSpec; violations: GuardRailViolation[] } {
  const { choices, region } = settings;
  const allowed = findInstanceType(choices.allowed, name);
  if (allowed !== undefined) return { spec: allowed, violations: [] };
  const known = findInstanceType(instanceCatalog, name);
  const why =
    known === undefined
      ? "is not in Quarry's instance catalog"
      : findInstanceType(choices.available, name) === undefined
        ? `is not offered in ${region}`
        : 'is not allowed by --allow-types';
  const nearest = nearestInstanceTypes(known ?? guessSize(name), choices.allowed);
  return {
    violations: [
      {
        rule: 'instance-type',
        message: `The instance type ${name} ${why}; nearest allowed: ${nearest.map(describeInstanceType).join(', ')}.`,
        hint: choices.restricted
          ? 'Widen --allow-types, or accept one of the nearest allowed types.'
          : 'Choose a type from the catalog (see the README), or one of the nearest allowed types.',
      },
    ],
  };
}

/**
 * Sizes below `xlarge` as most families shape them: [vCPU, GiB]. A Map, not an object literal: the size
 * comes from the model, and `t3.constructor` must not find `Object.prototype.constructor`.
 */
const smallSizes: ReadonlyMap<string, readonly [number, number]> = new Map([
  ['nano', [2, 0.5]],
  ['micro', [2, 1]],
  ['small', [2, 2]],
  ['medium', [2, 4]],
  ['large', [2, 8]],
]);

/** The size an unknown type name suggests: `medium` is 2 vCPU / 4 GiB, `8xlarge` 32 vCPU / 128 GiB. */
function guessSize(name: string): { vcpus: number; memoryGiB: number } {
  const size = name.split('.')[1] ?? '';
  const small = smallSizes.get(size);
  if (small !== undefined) return { vcpus: small[0], memoryGiB: small[1] };
  const multiple = /^(\d*)xlarge$/.exec(size);
  const vcpus = multiple ? 4 * Number(multiple[1] || 1) : 2;
  return { vcpus, memoryGiB: vcpus * 4 };
}

function checkImage(
  specifier: string,
  request: string,
): { image?: ResolvedImage; violations: GuardRailViolation[] } {
  try {
    return { image: resolveImage(specifier, request), violations: [] };
  } catch (error) {
    if (!QuarryError.is(error)) throw error;
    return { violations: [{ rule: 'image', message: error.message, hint: error.hint ?? '' }] };
  }
}

function architectureViolations(
  spec: InstanceTypeSpec | undefined,
  image: ResolvedImage | undefined,
  choices: InstanceChoices,
): GuardRailViolation[] {
  if (spec === undefined || image?.architecture === undefined) return [];
  if (image.architecture === spec.architecture) return [];
  const sameSystem = imageAliases.find(
    (entry) =>
      entry.architecture === spec.architecture &&
      entry.description.split(' (')[0] === image.description.split(' (')[0],
  );
  const matchingTypes = nearestInstanceTypes(
    spec,
    choices.allowed.filter((candidate) => candidate.architecture === image.architecture),
  );
  const alternatives = [
    ...(sameSystem ? [`the image ${sameSystem.alias}`] : []),
    ...(matchingTypes.length > 0
      ? [`an ${image.architecture} type: ${matchingTypes.map((type) => type.name).join(', ')}`]
      : []),
  ];
  return [
    {
      rule: 'architecture',
      message: `The image ${image.specifier} is built for ${image.architecture}, but ${spec.name} is ${spec.architecture}; nearest allowed: ${alternatives.join(', or ') || 'none'}.`,
      hint: 'Use an image and an instance type of the same architecture.',
    },
  ];
}
