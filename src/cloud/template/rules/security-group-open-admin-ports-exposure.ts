import { adminPorts } from '../../exposed-services.ts';
import type { TemplateMapping, TemplateView } from '../template-view.ts';
import { type ResolvedValue, resolveLiteral } from './security-group-open-admin-ports-values.ts';

/** What an ingress rule opens that this rule cares about. */
export interface Exposure {
  /** For messages: "every port", "every TCP port (0-65535)", "SSH (port 22) and RDP (port 3389)". */
  description: string;
  /** Every port of a protocol, or every protocol: as bad as it gets, whatever listens is reachable. */
  everyPort: boolean;
}

/** IpProtocol names and numbers of the protocols with ports. */
const portProtocols: ReadonlyMap<string, string> = new Map([
  ['tcp', 'TCP'],
  ['6', 'TCP'],
  ['udp', 'UDP'],
  ['17', 'UDP'],
]);

const highestPort = 65535;

/** What `rule` opens: every port, admin ports, or (undefined) nothing this rule reports or nothing literal. */
export function exposedPorts(rule: TemplateMapping, template: TemplateView): Exposure | undefined {
  const protocol = String(resolveLiteral(rule.IpProtocol, template)?.value ?? '').toLowerCase();
  if (protocol === '-1' || protocol === 'all') return { description: 'every port', everyPort: true };
  const protocolName = portProtocols.get(protocol);
  if (protocolName === undefined) return undefined;
  const from = portNumber(resolveLiteral(rule.FromPort, template));
  const to = portNumber(resolveLiteral(rule.ToPort, template));
  if (from === undefined || to === undefined) return undefined;
  if (from === -1 && to === -1) return { description: `every ${protocolName} port`, everyPort: true };
  // Port 0 is reserved, so 1-65535 opens every port a service can listen on, just as 0-65535 does.
  if (from <= 1 && to >= highestPort)
    return { description: `every ${protocolName} port (${from}-${to})`, everyPort: true };
  if (protocolName !== 'TCP') return undefined;
  const open = adminPorts.filter(({ port }) => from <= port && port <= to);
  if (open.length === 0) return undefined;
  return {
    description: listInWords(open.map(({ port, name }) => `${name} (port ${port})`)),
    everyPort: false,
  };
}

/** `a`, `a and b`, `a, b and c`. */
function listInWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function portNumber(resolved: ResolvedValue | undefined): number | undefined {
  if (resolved === undefined) return undefined;
  const number = Number(resolved.value);
  return Number.isInteger(number) ? number : undefined;
}
