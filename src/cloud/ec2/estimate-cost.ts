import {
  bundledPriceRegion,
  burstSurplusPricePerVcpuHourUsd,
  volumePricePerGibMonthUsd,
} from './instance-catalog.ts';
import type { LaunchPlan } from './launch-plan.ts';

/** Hours in the average month, as AWS's own calculator counts them. */
export const hoursPerMonth = 730;

/** Public IPv4 addresses cost $0.005 an hour since February 2024 (https://aws.amazon.com/vpc/pricing/). */
export const publicIpv4PricePerHourUsd = 0.005;

/** One priced part of a plan. */
export interface CostLine {
  item: string;
  /** How it was computed, e.g. `$0.0416/h × 730 h`. */
  basis: string;
  monthlyUsd: number;
}

/** An estimated monthly bill: always an estimate, and says whose prices it used. */
export interface CostEstimate {
  currency: 'USD';
  lines: CostLine[];
  monthlyUsd: number;
  /** The region whose list prices were used. */
  priceRegion: string;
  /** True when the plan's region has no bundled prices and `priceRegion`'s were used instead. */
  borrowedPrices: boolean;
  notes: string[];
}

/**
 * Estimates a plan's monthly cost at on-demand Linux list prices: the instance for 730 hours, the root
 * volume per GiB-month and a public IPv4 address. Data transfer, snapshots and taxes are not included.
 */
export function estimateCost(plan: LaunchPlan, region: string): CostEstimate {
  const { instanceType, rootVolume } = plan;
  const volumePrice = volumePricePerGibMonthUsd[rootVolume.volumeType];
  const lines: CostLine[] = [
    {
      item: `${instanceType.name} instance`,
      basis: `$${instanceType.pricePerHourUsd}/h × ${hoursPerMonth} h`,
      monthlyUsd: cents(instanceType.pricePerHourUsd * hoursPerMonth),
    },
    {
      item: `${rootVolume.sizeGiB} GiB ${rootVolume.volumeType} root volume`,
      basis: `$${volumePrice}/GiB-month`,
      monthlyUsd: cents(volumePrice * rootVolume.sizeGiB),
    },
    {
      item: 'public IPv4 address',
      basis: `$${publicIpv4PricePerHourUsd}/h × ${hoursPerMonth} h`,
      monthlyUsd: cents(publicIpv4PricePerHourUsd * hoursPerMonth),
    },
  ];
  const borrowedPrices = region !== bundledPriceRegion;
  return {
    currency: 'USD',
    lines,
    monthlyUsd: cents(lines.reduce((sum, line) => sum + line.monthlyUsd, 0)),
    priceRegion: bundledPriceRegion,
    borrowedPrices,
    notes: costNotes(plan, region, borrowedPrices),
  };
}

function costNotes(plan: LaunchPlan, region: string, borrowedPrices: boolean): string[] {
  const notes = ['On-demand list prices; data transfer out, snapshots and taxes are not included.'];
  if (borrowedPrices) {
    notes.push(
      `No bundled prices for ${region}: these are ${bundledPriceRegion} prices, and ${region} may charge more or less.`,
    );
  }
  if (plan.instanceType.burstable) {
    notes.push(
      `${plan.instanceType.name} is burstable (unlimited mode): sustained CPU above its baseline costs $${burstSurplusPricePerVcpuHourUsd} per vCPU-hour more.`,
    );
  }
  return notes;
}

function cents(amount: number): number {
  return Math.round(amount * 100) / 100;
}

/** `$30.37`. */
export function formatUsd(amount: number): string {
  return `$${amount.toFixed(2)}`;
}
