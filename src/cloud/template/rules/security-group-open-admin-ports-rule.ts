import type { RuleFinding, TemplatePathSegment } from '../template-finding.ts';
import type { TemplateRule } from '../template-rule.ts';
import { isMapping, type TemplateMapping, type TemplateView } from '../template-view.ts';
import { getAttTarget } from './references-attributes.ts';
import { loadBalancerOnlyGroups } from './security-group-open-admin-ports-attachments.ts';
import { type ResolvedValue, resolveLiteral } from './security-group-open-admin-ports-values.ts';

const openCidrs: ReadonlySet<string> = new Set(['0.0.0.0/0', '::/0', '::0/0']);
const everyPort = 'every port';
const adminPorts = [
  { port: 22, name: 'SSH' },
  { port: 3389, name: 'RDP' },
];

/**
 * Ingress from anywhere (`0.0.0.0/0`, `::/0`) to SSH (22), RDP (3389) or every port (`IpProtocol: -1`).
 *
 * Every port open to the internet is an error: each service listening on the instances (databases, admin
 * consoles, debug ports) is exposed, and no reviewer would sign that off. SSH or RDP open to anywhere is a
 * warning: it is a well-known risk (brute force, the next OpenSSH bug), but a bastion host is a legitimate
 * reason, the protocols authenticate, and the fix depends on where the operators are. When the CIDR comes
 * from a parameter whose Default is open, it is a warning too: whoever deploys chooses the value, but the
 * default is the unsafe choice. Groups only load balancers use are skipped: a load balancer answers on its
 * listener ports alone.
 */
export const securityGroupOpenAdminPortsRule: TemplateRule = {
  name: 'security-group-open-admin-ports',
  summary: 'Security groups do not open SSH, RDP or all ports to 0.0.0.0/0 or ::/0.',
  *check({ template }) {
    const skipped = loadBalancerOnlyGroups(template);
    for (const [name, resource] of template.resources) {
      const properties = resource.Properties;
      if (skipped.has(name) || !isMapping(properties)) continue;
      const path = ['Resources', name, 'Properties'];
      if (resource.Type === 'AWS::EC2::SecurityGroupIngress' && !skipped.has(ingressTarget(properties)))
        yield* checkRule(properties, path, template);
      if (resource.Type !== 'AWS::EC2::SecurityGroup' || !Array.isArray(properties.SecurityGroupIngress))
        continue;
      for (const [index, rule] of properties.SecurityGroupIngress.entries()) {
        if (isMapping(rule)) yield* checkRule(rule, [...path, 'SecurityGroupIngress', index], template);
      }
    }
  },
};

function* checkRule(
  rule: TemplateMapping,
  path: TemplatePathSegment[],
  template: TemplateView,
): Generator<RuleFinding> {
  for (const key of ['CidrIp', 'CidrIpv6']) {
    const cidr = resolveLiteral(rule[key], template);
    if (!cidr || !openCidrs.has(String(cidr.value))) continue;
    const exposure = exposedPorts(rule, template);
    if (exposure === undefined) continue;
    const severity = cidr.parameter === undefined && exposure === everyPort ? 'error' : 'warning';
    const source =
      cidr.parameter === undefined
        ? `${cidr.value}`
        : `${cidr.value} (the Default of parameter '${cidr.parameter}', which whoever deploys may keep)`;
    yield {
      severity,
      message: `This ingress rule opens ${exposure} to ${source}; allow only the addresses that need it (a narrower CidrIp or a SourcePrefixListId), or use SSM Session Manager instead of an open port.`,
      path: [...path, key],
    };
  }
}

/** What the rule opens that matters here ("SSH (port 22)", "every port"), or undefined. */
function exposedPorts(rule: TemplateMapping, template: TemplateView): string | undefined {
  const protocol = String(resolveLiteral(rule.IpProtocol, template)?.value ?? '').toLowerCase();
  if (protocol === '-1' || protocol === 'all') return everyPort;
  if (protocol !== 'tcp' && protocol !== '6') return undefined;
  const from = portNumber(resolveLiteral(rule.FromPort, template));
  const to = portNumber(resolveLiteral(rule.ToPort, template));
  if (from === undefined || to === undefined) return undefined;
  if (from === -1 && to === -1) return everyPort;
  const open = adminPorts.filter(({ port }) => from <= port && port <= to);
  if (open.length === 0) return undefined;
  return open.map(({ port, name }) => `${name} (port ${port})`).join(' and ');
}

/** The template security group an `AWS::EC2::SecurityGroupIngress` adds its rule to, if it names one. */
function ingressTarget(properties: TemplateMapping): string {
  const groupId = properties.GroupId;
  if (!isMapping(groupId)) return '';
  if (typeof groupId.Ref === 'string') return groupId.Ref;
  return getAttTarget(groupId['Fn::GetAtt'])?.resource ?? '';
}

function portNumber(resolved: ResolvedValue | undefined): number | undefined {
  if (resolved === undefined) return undefined;
  const number = Number(resolved.value);
  return Number.isInteger(number) ? number : undefined;
}
