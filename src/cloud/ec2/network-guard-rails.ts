import type { IngressPermission } from '../../core/ports/ec2-control.ts';
import { adminPorts } from '../exposed-services.ts';
import { parseSourceRange } from '../source-ranges.ts';
import {
  describeRule,
  describeServices,
  type InternetExposure,
  internetExposures,
  internetThresholdSentence,
  listInWords,
} from './internet-exposure.ts';
import type { GuardRailViolation } from './launch-plan.ts';
import { type DraftPlan, ingressProtocols } from './launch-plan-schema.ts';

/** The default quota of inbound rules per security group. */
const maxIngressRules = 60;

type DraftRule = DraftPlan['ingressRules'][number];

/**
 * Checks the ingress rules: known protocol, whole port numbers in range and in order, a valid CIDR, and
 * no remote-administration port (SSH, Telnet, RDP, VNC, WinRM) open to the internet unless
 * `allowOpenAdminPorts`: a public source wider than an IPv4 /16 or an IPv6 /32, alone or added up over
 * several rules, counts as the internet. Returns the rules as the plan keeps them (CIDRs in their plain
 * spelling, descriptions cleaned to what EC2 accepts) and the violations.
 */
export function checkIngressRules(
  rules: readonly DraftRule[],
  allowOpenAdminPorts: boolean,
): { rules: IngressPermission[]; violations: GuardRailViolation[] } {
  const violations: GuardRailViolation[] = [];
  if (rules.length > maxIngressRules) {
    violations.push({
      rule: 'ingress-rule-count',
      message: `The plan has ${rules.length} ingress rules; a security group holds at most ${maxIngressRules}.`,
      hint: 'Merge rules into port ranges.',
    });
  }
  const kept: IngressPermission[] = [];
  for (const [index, rule] of rules.entries()) {
    const label = `Ingress rule ${index + 1} (${describeRule(rule)})`;
    const problems = [
      protocolProblem(rule, label),
      portProblem(rule, label),
      cidrProblem(rule.cidr, label),
    ].filter((problem): problem is GuardRailViolation => problem !== undefined);
    violations.push(...problems);
    if (problems.length === 0) kept.push(cleanRule(rule));
  }
  if (!allowOpenAdminPorts) {
    violations.push(
      ...internetExposures(rules, adminPorts).map((exposure) => openAdminPortViolation(exposure, rules)),
    );
  }
  return { rules: kept, violations };
}

function protocolProblem(rule: DraftRule, label: string): GuardRailViolation | undefined {
  if ((ingressProtocols as readonly string[]).includes(rule.protocol)) return undefined;
  return {
    rule: 'protocol',
    message: `${label}: the protocol must be one of ${ingressProtocols.join(', ')}.`,
    hint: 'Open only the protocols and ports the workload needs.',
  };
}

function portProblem(rule: DraftRule, label: string): GuardRailViolation | undefined {
  const icmp = rule.protocol === 'icmp';
  const [low, high] = icmp ? [-1, 255] : [0, 65535];
  const valid = (port: number) => Number.isInteger(port) && port >= low && port <= high;
  if (valid(rule.fromPort) && valid(rule.toPort) && (icmp || rule.fromPort <= rule.toPort)) return undefined;
  return {
    rule: 'port-range',
    message: icmp
      ? `${label}: ICMP type and code must be whole numbers from -1 to 255.`
      : `${label}: ports must be whole numbers from 0 to 65535, the first not above the last.`,
    hint: 'Give each rule a valid port range, e.g. 443-443.',
  };
}

function cidrProblem(cidr: string, label: string): GuardRailViolation | undefined {
  if (parseSourceRange(cidr) !== undefined) return undefined;
  return {
    rule: 'cidr',
    message: `${label}: "${cidr}" is not an IPv4 or IPv6 CIDR range.`,
    hint: 'Use a range such as 203.0.113.7/32, 10.0.0.0/16 or ::/0.',
  };
}

function openAdminPortViolation(exposure: InternetExposure, rules: readonly DraftRule[]): GuardRailViolation {
  const numbers = exposure.ruleIndexes.map((index) => `${index + 1}`);
  const described = exposure.ruleIndexes.flatMap((index) => {
    const rule = rules[index];
    return rule === undefined ? [] : [describeRule(rule)];
  });
  const subject =
    numbers.length === 1
      ? `Ingress rule ${numbers[0]} (${described[0]}) opens`
      : `Ingress rules ${listInWords(numbers)} (${described.join('; ')}) together open`;
  const reach = exposure.wholeInternet ? 'the whole internet' : 'the internet';
  const names = listInWords(exposure.services.map((service) => service.name));
  return {
    rule: 'open-admin-port',
    message: `${subject} ${describeServices(exposure.services)} to ${reach}. ${internetThresholdSentence}`,
    hint: `Limit ${names} to your own address (e.g. 203.0.113.7/32) or network in the request, use SSM Session Manager instead, or pass --allow-open-admin-ports if it really must be open to the internet.`,
  };
}

/** EC2 accepts only these characters in rule descriptions (up to 255). */
function cleanDescription(text: string): string {
  return text
    .replace(/[^a-zA-Z0-9. _\-:/()#,@[\]+=&;{}!$*]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 255);
}

function cleanRule(rule: DraftRule): IngressPermission {
  return {
    protocol: rule.protocol as IngressPermission['protocol'],
    fromPort: rule.fromPort,
    toPort: rule.toPort,
    cidr: parseSourceRange(rule.cidr)?.normalized ?? rule.cidr,
    description: cleanDescription(rule.description ?? ''),
  };
}
