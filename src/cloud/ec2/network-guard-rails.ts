import type { IngressPermission } from '../../core/ports/ec2-control.ts';
import type { GuardRailViolation } from './launch-plan.ts';
import { type DraftPlan, ingressProtocols } from './launch-plan-schema.ts';

/** Ports that give a shell or a desktop: never open to the whole internet without the user's say-so. */
const adminPorts: ReadonlyArray<{ port: number; name: string }> = [
  { port: 22, name: 'SSH' },
  { port: 3389, name: 'RDP' },
];

/** The default quota of inbound rules per security group. */
const maxIngressRules = 60;

type DraftRule = DraftPlan['ingressRules'][number];

/**
 * Checks the ingress rules: known protocol, whole port numbers in range and in order, a valid CIDR, and
 * no SSH or RDP open to the world unless `allowOpenAdminPorts`. Returns the rules as the plan keeps
 * them (descriptions cleaned to what EC2 accepts) and the violations.
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
    const label = `Ingress rule ${index + 1} (${rule.protocol} ${rule.fromPort}-${rule.toPort} from ${rule.cidr})`;
    const problems = [
      protocolProblem(rule, label),
      portProblem(rule, label),
      cidrProblem(rule.cidr, label),
      allowOpenAdminPorts ? undefined : openAdminPortProblem(rule, label),
    ].filter((problem): problem is GuardRailViolation => problem !== undefined);
    violations.push(...problems);
    if (problems.length === 0) kept.push(cleanRule(rule));
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
  if (isCidr(cidr)) return undefined;
  return {
    rule: 'cidr',
    message: `${label}: "${cidr}" is not an IPv4 or IPv6 CIDR range.`,
    hint: 'Use a range such as 203.0.113.7/32, 10.0.0.0/16 or ::/0.',
  };
}

function openAdminPortProblem(rule: DraftRule, label: string): GuardRailViolation | undefined {
  if (rule.protocol !== 'tcp' && rule.protocol !== 'udp') return undefined;
  if (prefixLength(rule.cidr) !== 0) return undefined;
  const opened = adminPorts.find(({ port }) => rule.fromPort <= port && port <= rule.toPort);
  if (opened === undefined) return undefined;
  return {
    rule: 'open-admin-port',
    message: `${label} opens ${opened.name} (port ${opened.port}) to the whole internet.`,
    hint: `Limit ${opened.name} to your own address (e.g. 203.0.113.7/32) in the request, use SSM Session Manager instead, or pass --allow-open-admin-ports if it really must be open to the world.`,
  };
}

/** Whether `cidr` is `address/prefix` with a valid IPv4 or IPv6 address and prefix length. */
export function isCidr(cidr: string): boolean {
  const [address = '', prefix, ...rest] = cidr.split('/');
  if (prefix === undefined || rest.length > 0 || !/^\d{1,3}$/.test(prefix)) return false;
  const length = Number(prefix);
  if (address.includes(':')) return length <= 128 && isIpv6(address);
  return length <= 32 && isIpv4(address);
}

function isIpv4(address: string): boolean {
  const parts = address.split('.');
  return parts.length === 4 && parts.every((part) => /^\d{1,3}$/.test(part) && Number(part) <= 255);
}

/** The URL parser knows IPv6 literals exactly, and works wherever Quarry's core code runs. */
function isIpv6(address: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(address)) return false;
  try {
    return new URL(`http://[${address}]/`).hostname !== '';
  } catch {
    return false;
  }
}

/** The prefix length of a CIDR (0 means the whole internet); NaN when there is none. */
export function prefixLength(cidr: string): number {
  return Number(cidr.split('/')[1] ?? Number.NaN);
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
    cidr: rule.cidr,
    description: cleanDescription(rule.description ?? ''),
  };
}
