import { ValidationError } from '../../core/errors/index.ts';
import type { InstanceTypeFacts } from '../../core/ports/ec2-control.ts';
import { type InstanceTypeSpec, instanceCatalog } from './instance-catalog.ts';

/** The instance types a plan may use, and why the list is what it is. */
export interface InstanceChoices {
  /** Catalog types the region offers (all of them when it could not be asked). */
  available: InstanceTypeSpec[];
  /** `available`, narrowed by `--allow-types` when given. */
  allowed: InstanceTypeSpec[];
  /** True when `--allow-types` narrowed the list. */
  restricted: boolean;
}

/** `t3.medium (2 vCPU, 4 GiB, x86_64)`. */
export function describeInstanceType(spec: InstanceTypeSpec): string {
  return `${spec.name} (${spec.vcpus} vCPU, ${spec.memoryGiB} GiB, ${spec.architecture})`;
}

/**
 * Checks `--allow-types` entries against the catalog (before any model is loaded) and returns them
 * lower-cased and without duplicates; an unknown entry is a `ValidationError` naming the catalog's
 * types of the same family, or its families.
 */
export function checkAllowedTypes(entries: readonly string[]): string[] {
  const names = [...new Set(entries.map((entry) => entry.trim().toLowerCase()).filter(Boolean))];
  if (names.length === 0) {
    throw new ValidationError('--allow-types names no instance type.', {
      hint: 'List catalog types separated by commas, e.g. --allow-types t3.small,t3.medium.',
    });
  }
  for (const name of names) {
    if (instanceCatalog.some((spec) => spec.name === name)) continue;
    const family = name.split('.')[0] ?? '';
    const sameFamily = instanceCatalog.filter((spec) => spec.name.startsWith(`${family}.`));
    const known =
      sameFamily.length > 0
        ? `Catalog types of the ${family} family: ${sameFamily.map((spec) => spec.name).join(', ')}.`
        : `Catalog families: ${catalogFamilies().join(', ')}.`;
    throw new ValidationError(
      `--allow-types names "${name}", which is not in the instance catalog. ${known}`,
      {
        hint: 'Use catalog types only, e.g. --allow-types t3.small,t3.medium (see the README for the catalog).',
      },
    );
  }
  return names;
}

function catalogFamilies(): string[] {
  return [...new Set(instanceCatalog.map((spec) => spec.name.split('.')[0] ?? ''))];
}

/**
 * The catalog as the region sees it: vCPU, memory and architecture from `facts` where the region
 * described the type, and without the types it does not offer. `facts` undefined keeps the catalog.
 */
export function refreshCatalog(
  catalog: readonly InstanceTypeSpec[],
  facts: readonly InstanceTypeFacts[] | undefined,
): InstanceTypeSpec[] {
  if (facts === undefined) return [...catalog];
  const byName = new Map(facts.map((fact) => [fact.instanceType, fact]));
  return catalog.flatMap((spec) => {
    const fact = byName.get(spec.name);
    if (fact === undefined) return [];
    const architecture = fact.architectures.includes(spec.architecture)
      ? spec.architecture
      : (fact.architectures[0] ?? spec.architecture);
    return [{ ...spec, vcpus: fact.vcpus, memoryGiB: fact.memoryGiB, architecture }];
  });
}

/** The choices for a plan: the available types, narrowed to `allowTypes` when given. */
export function instanceChoices(
  available: readonly InstanceTypeSpec[],
  allowTypes: readonly string[] | undefined,
): InstanceChoices {
  const allowed =
    allowTypes === undefined ? [...available] : available.filter((spec) => allowTypes.includes(spec.name));
  if (allowed.length === 0) throw noChoicesError(available, allowTypes !== undefined);
  return { available: [...available], allowed, restricted: allowTypes !== undefined };
}

/** Why there is nothing to choose from: `--allow-types` matches nothing offered, or the region offers nothing. */
function noChoicesError(available: readonly InstanceTypeSpec[], restricted: boolean): ValidationError {
  if (!restricted || available.length === 0) {
    const families = catalogFamilies().join(', ');
    return new ValidationError(
      `This region offers none of the instance types in Quarry's catalog (families ${families}).`,
      { hint: 'Choose another region with --region (or aws.region, AWS_REGION).' },
    );
  }
  const offered = available
    .slice(0, 12)
    .map((spec) => spec.name)
    .join(', ');
  return new ValidationError('None of the --allow-types types is offered in this region.', {
    hint: `Allow types the region offers; offered catalog types include: ${offered}.`,
  });
}

/**
 * The `count` candidates closest in size to `target`: distance is the sum of the log-ratios of vCPUs
 * and memory (so 2→4 vCPU is as far as 4→8), ties going to the cheaper type.
 */
export function nearestInstanceTypes(
  target: { vcpus: number; memoryGiB: number },
  candidates: readonly InstanceTypeSpec[],
  count = 3,
): InstanceTypeSpec[] {
  const distance = (spec: InstanceTypeSpec) =>
    Math.abs(Math.log2(spec.vcpus / target.vcpus)) + Math.abs(Math.log2(spec.memoryGiB / target.memoryGiB));
  return [...candidates]
    .sort((left, right) => distance(left) - distance(right) || left.pricePerHourUsd - right.pricePerHourUsd)
    .slice(0, count);
}

/** A catalog entry by name, or undefined. */
export function findInstanceType(
  catalog: readonly InstanceTypeSpec[],
  name: string,
): InstanceTypeSpec | undefined {
  return catalog.find((spec) => spec.name === name);
}
