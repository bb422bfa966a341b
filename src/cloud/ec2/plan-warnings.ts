import type { DryRunOutcome } from './dry-run-outcome.ts';
import type { CostEstimate } from './estimate-cost.ts';
import type { LaunchPlan } from './launch-plan.ts';
import { prefixLength } from './network-guard-rails.ts';

/**
 * The lines a user should read before launching: borrowed prices, admin ports open to the world (when
 * allowed), what Quarry could not check about an explicit AMI, and a dry run that did not pass.
 */
export function planWarnings(
  plan: LaunchPlan,
  cost: CostEstimate,
  dryRun: DryRunOutcome,
  allowOpenAdminPorts: boolean,
): string[] {
  const warnings: string[] = [];
  if (cost.borrowedPrices) {
    warnings.push(`Cost is an estimate from ${cost.priceRegion} prices: no bundled prices for this region.`);
  }
  if (allowOpenAdminPorts) {
    for (const rule of plan.ingressRules) {
      const covers = (port: number) => rule.fromPort <= port && port <= rule.toPort;
      if (rule.protocol !== 'icmp' && prefixLength(rule.cidr) === 0 && (covers(22) || covers(3389))) {
        warnings.push(
          `Ports ${rule.fromPort}-${rule.toPort}/${rule.protocol} (SSH or RDP) are open to ${rule.cidr}, the whole internet (--allow-open-admin-ports).`,
        );
      }
    }
  }
  if (plan.image.architecture === undefined) {
    warnings.push(
      `The architecture and root device of ${plan.image.imageId} were not checked; the root volume is mapped to ${plan.image.rootDeviceName}.`,
    );
  }
  if (dryRun.status !== 'passed' && dryRun.status !== 'skipped') warnings.push(dryRun.summary);
  return warnings;
}
