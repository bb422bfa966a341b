import type { IngressPermission } from '../../core/ports/ec2-control.ts';
import { adminPorts, databasePorts, type NamedPort } from '../exposed-services.ts';
import type { DryRunOutcome } from './dry-run-outcome.ts';
import type { CostEstimate } from './estimate-cost.ts';
import { describeRule, describeServices, internetExposures } from './internet-exposure.ts';
import type { LaunchPlan } from './launch-plan.ts';

/**
 * The lines a user should read before launching: borrowed prices, admin ports open to the internet (when
 * allowed), databases open to the internet, what Quarry could not check about an explicit AMI, and a dry
 * run that did not pass.
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
    warnings.push(
      ...exposureWarnings(
        plan.ingressRules,
        adminPorts,
        'allowed by --allow-open-admin-ports; anyone may try to log in.',
      ),
    );
  }
  warnings.push(
    ...exposureWarnings(
      plan.ingressRules,
      databasePorts,
      "a database is rarely meant to be reachable from anywhere; limit the source to its clients' addresses, or keep it private.",
    ),
  );
  if (plan.image.architecture === undefined) {
    warnings.push(
      `The architecture and root device of ${plan.image.imageId} were not checked; the root volume is mapped to ${plan.image.rootDeviceName}.`,
    );
  }
  if (dryRun.status !== 'passed' && dryRun.status !== 'skipped') warnings.push(dryRun.summary);
  return warnings;
}

/** `MySQL (port 3306) is open to the whole internet (tcp 3306 from 0.0.0.0/0): <advice>` */
function exposureWarnings(
  rules: readonly IngressPermission[],
  services: readonly NamedPort[],
  advice: string,
): string[] {
  return internetExposures(rules, services).map((exposure) => {
    const verb = exposure.services.length === 1 ? 'is' : 'are';
    const reach = exposure.wholeInternet ? 'the whole internet' : 'the internet';
    const from = exposure.ruleIndexes.flatMap((index) => {
      const rule = rules[index];
      return rule === undefined ? [] : [describeRule(rule)];
    });
    return `${describeServices(exposure.services)} ${verb} open to ${reach} (${from.join('; ')}): ${advice}`;
  });
}
