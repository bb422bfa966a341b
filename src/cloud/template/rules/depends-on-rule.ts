import type { RuleFinding, TemplatePathSegment } from '../template-finding.ts';
import type { TemplateRule } from '../template-rule.ts';
import type { TemplateMapping, TemplateView } from '../template-view.ts';
import { suggestion } from './closest-name.ts';
import { type DependencyGraph, findCycles } from './depends-on-cycles.ts';
import { referencedResources } from './depends-on-references.ts';
import { type TemplateNames, templateNames } from './references-names.ts';

/**
 * `DependsOn` must name other resources, and resources must not depend on each other in a cycle through
 * `DependsOn`, `Ref`, `Fn::GetAtt` or `Fn::Sub`: CloudFormation refuses both, so they are errors.
 *
 * References inside a resource's `Metadata` count as dependencies: CloudFormation resolves intrinsic
 * functions there (the Metadata attribute documentation says so; cfn-init reads the resolved values), and
 * it can only resolve a `Ref` to a resource that exists, so it orders creation by them as well.
 */
export const dependsOnRule: TemplateRule = {
  name: 'depends-on',
  summary: 'DependsOn names other resources, and resources do not depend on each other in a cycle.',
  *check({ template }) {
    const names = templateNames(template);
    for (const [name, resource] of template.resources) yield* checkDependsOn(name, resource, names);
    for (const cycle of findCycles(dependencyGraph(template))) {
      yield {
        severity: 'error',
        message: `Resources depend on each other in a cycle (${cycle.join(' → ')}), so CloudFormation cannot order them; break it, e.g. by moving a security group rule or policy into a resource of its own, or dropping a DependsOn.`,
        path: ['Resources', cycle[0] ?? ''],
      };
    }
  },
};

function* checkDependsOn(
  name: string,
  resource: TemplateMapping,
  names: TemplateNames,
): Generator<RuleFinding> {
  for (const { target, path } of dependsOnEntries(name, resource)) {
    if (target === name) {
      yield {
        severity: 'error',
        message: `Resource '${name}' depends on itself; remove it from DependsOn.`,
        path,
      };
    } else if (names.parameters.has(target)) {
      const message = `DependsOn names '${target}', which is a parameter; DependsOn takes resource logical ids only.`;
      yield { severity: 'error', message, path };
    } else if (!target.includes('${') && !names.findResource(target)) {
      const hint = suggestion(target, names.declaredResources, 'declare the resource or fix the name.');
      yield {
        severity: 'error',
        message: `DependsOn names '${target}', which is not a resource; ${hint}`,
        path,
      };
    }
  }
}

/** The literal names in a `DependsOn` (a string or a list of strings). */
function dependsOnEntries(
  name: string,
  resource: TemplateMapping,
): { target: string; path: readonly TemplatePathSegment[] }[] {
  const dependsOn = resource.DependsOn;
  const path = ['Resources', name, 'DependsOn'];
  if (typeof dependsOn === 'string') return [{ target: dependsOn, path }];
  if (!Array.isArray(dependsOn)) return [];
  return dependsOn.flatMap((target, index) =>
    typeof target === 'string' ? [{ target, path: [...path, index] }] : [],
  );
}

/** Each declared resource and the declared resources it needs first (a `DependsOn` on itself left out). */
function dependencyGraph(template: TemplateView): DependencyGraph {
  const graph = new Map<string, Set<string>>();
  for (const [name, resource] of template.resources) {
    const dependencies = referencedResources(resource, template.resources);
    for (const { target } of dependsOnEntries(name, resource)) {
      if (target !== name && template.resources.has(target)) dependencies.add(target);
    }
    graph.set(name, dependencies);
  }
  return graph;
}
