import type { TemplateView } from '../template-view.ts';
import { referencedResources } from './depends-on-references.ts';

const loadBalancerTypes: ReadonlySet<string> = new Set([
  'AWS::ElasticLoadBalancing::LoadBalancer',
  'AWS::ElasticLoadBalancingV2::LoadBalancer',
]);

/** Types that name a security group only as the source or target of a rule, not to put anything in it. */
const ruleTypes: ReadonlySet<string> = new Set([
  'AWS::EC2::SecurityGroup',
  'AWS::EC2::SecurityGroupIngress',
  'AWS::EC2::SecurityGroupEgress',
]);

/**
 * Security groups of the template that only load balancers use. A load balancer answers on its listener
 * ports alone, so ingress from anywhere to "every port" of such a group opens nothing else (the usual
 * pattern for a public ALB). A group an output exports, or that nothing in the template uses, may be used
 * anywhere, so it is not one of these.
 */
export function loadBalancerOnlyGroups(template: TemplateView): Set<string> {
  const users = new Map<string, Set<string>>();
  for (const [name, resource] of template.resources) {
    if (resource.Type === 'AWS::EC2::SecurityGroup') users.set(name, new Set());
  }
  for (const [name, resource] of template.resources) {
    if (typeof resource.Type === 'string' && ruleTypes.has(resource.Type)) continue;
    for (const group of referencedResources(resource, users)) {
      users.get(group)?.add(typeof resource.Type === 'string' ? resource.Type : name);
    }
  }
  const exported = referencedResources({ outputs: template.body.Outputs }, users);
  const result = new Set<string>();
  for (const [group, types] of users) {
    if (exported.has(group) || types.size === 0) continue;
    if ([...types].every((type) => loadBalancerTypes.has(type))) result.add(group);
  }
  return result;
}
