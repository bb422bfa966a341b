import type { Ec2Architecture } from '../../core/ports/ec2-control.ts';

/** One instance type Quarry may propose, with its size and list price. */
export interface InstanceTypeSpec {
  name: string;
  vcpus: number;
  memoryGiB: number;
  architecture: Ec2Architecture;
  /** T-family types earn and spend CPU credits; sustained load above the baseline costs extra. */
  burstable: boolean;
  /** Linux on-demand price per hour in US dollars, in {@link bundledPriceRegion}. */
  pricePerHourUsd: number;
}

/**
 * The region the bundled prices are from. They are the public Linux on-demand list prices of
 * https://aws.amazon.com/ec2/pricing/on-demand/ (shared tenancy, no reservation or savings plan), as
 * published for US East (N. Virginia) in 2024–2025. Other regions charge more or less; their estimates
 * say so.
 */
export const bundledPriceRegion = 'us-east-1';

/** EBS storage per GiB-month in {@link bundledPriceRegion} (https://aws.amazon.com/ebs/pricing/). */
export const volumePricePerGibMonthUsd = { gp3: 0.08, gp2: 0.1 } as const;

/** Extra charge per vCPU-hour for sustained use above baseline in unlimited mode (Linux, T3/T3a/T4g). */
export const burstSurplusPricePerVcpuHourUsd = 0.05;

/** Burstable sizes micro..2xlarge: the same vCPU and memory in every T family. */
const burstableShapes: Array<[string, number, number]> = [
  ['micro', 2, 1],
  ['small', 2, 2],
  ['medium', 2, 4],
  ['large', 2, 8],
  ['xlarge', 4, 16],
  ['2xlarge', 8, 32],
];

function burstable(family: string, architecture: Ec2Architecture, prices: number[]): InstanceTypeSpec[] {
  return burstableShapes.map(([size, vcpus, memoryGiB], index) => ({
    name: `${family}.${size}`,
    vcpus,
    memoryGiB,
    architecture,
    burstable: true,
    pricePerHourUsd: prices[index] ?? Number.NaN,
  }));
}

/** Fixed-performance sizes large..4xlarge: 2, 4, 8, 16 vCPU with `memoryPerVcpu` GiB each. */
function fixed(
  family: string,
  architecture: Ec2Architecture,
  memoryPerVcpu: number,
  prices: number[],
): InstanceTypeSpec[] {
  return ['large', 'xlarge', '2xlarge', '4xlarge'].map((size, index) => {
    const vcpus = 2 ** (index + 1);
    return {
      name: `${family}.${size}`,
      vcpus,
      memoryGiB: vcpus * memoryPerVcpu,
      architecture,
      burstable: false,
      pricePerHourUsd: prices[index] ?? Number.NaN,
    };
  });
}

/**
 * Current general-purpose (m), compute-optimized (c), memory-optimized (r) and burstable (t) types. The
 * model may only choose from these (or the subset `--allow-types` names); `DescribeInstanceTypes`
 * refreshes their vCPU, memory and architecture, and drops those a region does not offer.
 */
export const instanceCatalog: readonly InstanceTypeSpec[] = [
  ...burstable('t3', 'x86_64', [0.0104, 0.0208, 0.0416, 0.0832, 0.1664, 0.3328]),
  ...burstable('t3a', 'x86_64', [0.0094, 0.0188, 0.0376, 0.0752, 0.1504, 0.3008]),
  ...burstable('t4g', 'arm64', [0.0084, 0.0168, 0.0336, 0.0672, 0.1344, 0.2688]),
  ...fixed('m6i', 'x86_64', 4, [0.096, 0.192, 0.384, 0.768]),
  ...fixed('m7i', 'x86_64', 4, [0.1008, 0.2016, 0.4032, 0.8064]),
  ...fixed('m7g', 'arm64', 4, [0.0816, 0.1632, 0.3264, 0.6528]),
  ...fixed('c6i', 'x86_64', 2, [0.085, 0.17, 0.34, 0.68]),
  ...fixed('c7i', 'x86_64', 2, [0.08925, 0.1785, 0.357, 0.714]),
  ...fixed('c7g', 'arm64', 2, [0.0725, 0.145, 0.29, 0.58]),
  ...fixed('r6i', 'x86_64', 8, [0.126, 0.252, 0.504, 1.008]),
  ...fixed('r7i', 'x86_64', 8, [0.1323, 0.2646, 0.5292, 1.0584]),
  ...fixed('r7g', 'arm64', 8, [0.1071, 0.2142, 0.4284, 0.8568]),
];
