import { type InternetRange, internetRange } from '../../source-ranges.ts';
import type { RuleFinding, TemplatePathSegment } from '../template-finding.ts';
import type { TemplateRule } from '../template-rule.ts';
import { intrinsicName, isMapping, type TemplateMapping, type TemplateView } from '../template-view.ts';
import { getAttTarget } from './references-attributes.ts';
import { loadBalancerOnlyGroups } from './security-group-open-admin-ports-attachments.ts';
import { exposedPorts } from './security-group-open-admin-ports-exposure.ts';
import { type ResolvedValue, resolveLiteral } from './security-group-open-admin-ports-values.ts';

/**
 * Ingress from the internet to every port (`IpProtocol: -1`, or a TCP or UDP range covering 1-65535) or to
 * a remote administration port (SSH 22, telnet 23, RDP 3389, VNC 5900, WinRM 5985/5986). "The internet" is
 * `0.0.0.0/0` or `::/0` however written, and any range wider than an IPv4 /16 or an IPv6 /32 that is not
 * private (see {@link internetPrefixBelow}), so `0.0.0.0/1` plus `128.0.0.0/1` does not slip through.
 *
 * Every port open to the internet is an error: each service listening on the instances (databases, admin
 * consoles, debug ports) is exposed, and no reviewer would sign that off. An admin port open to anywhere is a
 * warning: it is a well-known risk (brute force, the next OpenSSH bug), but a bastion host is a legitimate
 * reason, the protocols authenticate, and the fix depends on where the operators are. When the CIDR comes
 * from a parameter whose Default is open, it is a warning too: whoever deploys chooses the value, but the
 * default is the unsafe choice. Both branches of an `Fn::If` are checked, around one ingress entry or the
 * whole list. Groups only load balancers use are skipped: a load balancer answers on its listener ports alone.
 */
export const securityGroupOpenAdminPortsRule: TemplateRule = {
  name: 'security-group-open-admin-ports',
  summary:
    'Security groups do not open every port, or SSH, RDP, telnet, VNC or WinRM, to the internet (0.0.0.0/0, ::/0, or wider than /16 or /32).',
  *check({ template }) {
    const skipped = loadBalancerOnlyGroups(template);
    for (const [name, resource] of template.resources) {
      const properties = resource.Properties;
      if (skipped.has(name) || !isMapping(properties)) continue;
      const path = ['Resources', name, 'Properties'];
      if (resource.Type === 'AWS::EC2::SecurityGroupIngress' && !skipped.has(ingressTarget(properties)))
        yield* checkRule(properties, path, template);
      if (resource.Type !== 'AWS::EC2::SecurityGroup') continue;
      for (const rule of ingressRules(properties.SecurityGroupIngress, [...path, 'SecurityGroupIngress']))
        yield* checkRule(rule.value, rule.path, template);
    }
  },
};

/**
 * The ingress entries of a `SecurityGroupIngress` value: a list of rules, where the list or any entry may
 * be an `Fn::If` whose branches are each checked (either may be the one deployed).
 */
function* ingressRules(
  value: unknown,
  path: TemplatePathSegment[],
): Generator<{ value: TemplateMapping; path: TemplatePathSegment[] }> {
  if (Array.isArray(value)) {
    for (const [index, entry] of value.entries()) yield* ingressRules(entry, [...path, index]);
    return;
  }
  if (!isMapping(value)) return;
  const intrinsic = intrinsicName(value);
  if (intrinsic === undefined) {
    yield { value, path };
    return;
  }
  const branches = value['Fn::If'];
  if (intrinsic !== 'Fn::If' || !Array.isArray(branches)) return;
  for (const index of [1, 2]) yield* ingressRules(branches[index], [...path, 'Fn::If', index]);
}

function* checkRule(
  rule: TemplateMapping,
  path: TemplatePathSegment[],
  template: TemplateView,
): Generator<RuleFinding> {
  for (const key of ['CidrIp', 'CidrIpv6']) {
    const cidr = resolveLiteral(rule[key], template);
    const range = cidr === undefined ? undefined : internetRange(String(cidr.value));
    if (cidr === undefined || range === undefined) continue;
    const exposure = exposedPorts(rule, template);
    if (exposure === undefined) continue;
    yield {
      severity: cidr.parameter === undefined && exposure.everyPort ? 'error' : 'warning',
      message: `This ingress rule opens ${exposure.description} to ${describeSource(cidr, range)}; allow only the addresses that need it (a narrower CidrIp or a SourcePrefixListId), or use SSM Session Manager instead of an open port.`,
      path: [...path, key],
    };
  }
}

/** The source range as written, with what makes it the internet when that is not plain to see. */
function describeSource(cidr: ResolvedValue, range: InternetRange): string {
  const written = String(cidr.value);
  const notes: string[] = [];
  if (range.normalized !== written.trim()) notes.push(`that is ${range.normalized}`);
  if (range.prefixLength > 0)
    notes.push(
      `a /${range.prefixLength} range; any public range shorter than /${range.limit} counts as the internet`,
    );
  if (cidr.parameter !== undefined)
    notes.push(`the Default of parameter '${cidr.parameter}', which whoever deploys may keep`);
  return notes.length === 0 ? written : `${written} (${notes.join('; ')})`;
}

/** The template security group an `AWS::EC2::SecurityGroupIngress` adds its rule to, if it names one. */
function ingressTarget(properties: TemplateMapping): string {
  const groupId = properties.GroupId;
  if (!isMapping(groupId)) return '';
  if (typeof groupId.Ref === 'string') return groupId.Ref;
  return getAttTarget(groupId['Fn::GetAtt'])?.resource ?? '';
}
