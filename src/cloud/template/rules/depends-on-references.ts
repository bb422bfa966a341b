import { intrinsicName, type TemplateMapping, walkValues } from '../template-view.ts';
import { getAttTarget } from './references-attributes.ts';
import { subParts, subVariables } from './references-sub-variables.ts';

/**
 * The resources a resource definition refers to by `Ref`, `Fn::GetAtt` or an `Fn::Sub` variable, anywhere
 * in it (both branches of an `Fn::If` count, as they do for CloudFormation's own cycle check).
 */
export function referencedResources(
  definition: TemplateMapping,
  resources: ReadonlyMap<string, unknown>,
): Set<string> {
  const found = new Set<string>();
  for (const { value } of walkValues(definition, [])) {
    const name = intrinsicName(value);
    if (name === undefined) continue;
    for (const target of targets(name, (value as Record<string, unknown>)[name])) {
      if (resources.has(target)) found.add(target);
    }
  }
  return found;
}

function targets(name: string, argument: unknown): string[] {
  if (name === 'Ref') return typeof argument === 'string' ? [argument] : [];
  if (name === 'Fn::GetAtt') {
    const target = getAttTarget(argument);
    return target ? [target.resource] : [];
  }
  if (name !== 'Fn::Sub') return [];
  const parts = subParts(argument);
  if (!parts) return [];
  return subVariables(parts.text)
    .filter((variable) => !parts.variableNames.has(variable.text) && !parts.variableNames.has(variable.name))
    .map((variable) => variable.name);
}
