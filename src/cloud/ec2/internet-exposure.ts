import type { NamedPort } from '../exposed-services.ts';
import {
  type AddressSpan,
  distinctAddresses,
  internetPrefixBelow,
  internetSpan,
  isEveryAddress,
  isInternetWide,
} from '../source-ranges.ts';

/** The part of an ingress rule that decides what it exposes. */
export interface ExposableRule {
  protocol: string;
  fromPort: number;
  toPort: number;
  cidr: string;
}

/** Rules that together open services to the internet. */
export interface InternetExposure {
  services: NamedPort[];
  /** Positions of the rules in the list given, in order. */
  ruleIndexes: number[];
  /** The rules admit every address of their family: `0.0.0.0/0`, `::/0`, or halves that add up to one. */
  wholeInternet: boolean;
}

/** Says in messages what counts as the internet, so a refused range makes sense to the user. */
export const internetThresholdSentence = `Quarry counts any public source wider than an IPv4 /${internetPrefixBelow.ipv4} or an IPv6 /${internetPrefixBelow.ipv6} as the internet, also when several rules add up to more.`;

interface CoveringRule {
  index: number;
  span: AddressSpan;
}

/**
 * Which of `services` the rules open to the internet. Per port, protocol and address family, a rule whose
 * public source is wider than the threshold exposes the port by itself; narrower rules expose it when the
 * addresses they admit together exceed it, so `0.0.0.0/1` plus `128.0.0.0/1` is as open as `0.0.0.0/0`.
 * Services opened by the same rules are reported together.
 */
export function internetExposures(
  rules: readonly ExposableRule[],
  services: readonly NamedPort[],
): InternetExposure[] {
  const found = new Map<string, InternetExposure>();
  for (const service of services) {
    for (const group of coveringGroups(rules, service.port)) {
      const exposure = groupExposure(group);
      if (exposure === undefined) continue;
      const key = `${exposure.ruleIndexes.join(',')}|${exposure.wholeInternet}`;
      const known = found.get(key);
      if (known === undefined) found.set(key, { ...exposure, services: [service] });
      else known.services.push(service);
    }
  }
  return [...found.values()];
}

/** The rules letting TCP or UDP to `port` in from the internet, grouped by protocol and address family. */
function coveringGroups(rules: readonly ExposableRule[], port: number): CoveringRule[][] {
  const groups = new Map<string, CoveringRule[]>();
  for (const [index, rule] of rules.entries()) {
    if (rule.protocol !== 'tcp' && rule.protocol !== 'udp') continue;
    if (!(rule.fromPort <= port && port <= rule.toPort)) continue;
    const span = internetSpan(rule.cidr);
    if (span === undefined) continue;
    const key = `${rule.protocol}|${span.family}`;
    groups.set(key, [...(groups.get(key) ?? []), { index, span }]);
  }
  return [...groups.values()];
}

function groupExposure(group: readonly CoveringRule[]): Omit<InternetExposure, 'services'> | undefined {
  const family = group[0]?.span.family;
  if (family === undefined) return undefined;
  const wide = group.filter((entry) => isInternetWide(family, entry.span.count));
  const narrow = group.filter((entry) => !wide.includes(entry));
  const narrowTogether = distinctAddresses(narrow.map((entry) => entry.span));
  const involved = isInternetWide(family, narrowTogether) ? group : wide;
  if (involved.length === 0) return undefined;
  return {
    ruleIndexes: involved.map((entry) => entry.index).sort((left, right) => left - right),
    wholeInternet: isEveryAddress(family, distinctAddresses(involved.map((entry) => entry.span))),
  };
}

/** `tcp 22 from 0.0.0.0/0` or `tcp 20-25 from ::/0`. */
export function describeRule(rule: ExposableRule): string {
  const ports = rule.fromPort === rule.toPort ? `${rule.fromPort}` : `${rule.fromPort}-${rule.toPort}`;
  return `${rule.protocol} ${ports} from ${rule.cidr}`;
}

/** `SSH (port 22)`, `SSH (port 22) and RDP (port 3389)`. */
export function describeServices(services: readonly NamedPort[]): string {
  return listInWords(services.map(({ port, name }) => `${name} (port ${port})`));
}

/** `a`, `a and b`, `a, b and c`. */
export function listInWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
