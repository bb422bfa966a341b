import type { RuleContext } from '../template-rule.ts';
import type { TemplateView } from '../template-view.ts';
import { intrinsicName, isMapping } from '../template-view.ts';
import { checkPropertyMap, type PropertyProblem } from './property-checker.ts';

/** The two property rules read the same comparison; it is made once per template. */
const problemsByTemplate = new WeakMap<TemplateView, PropertyProblem[]>();

/**
 * Every resource's properties compared with its type's specification. Custom resources and types the
 * specification does not know are skipped (the `resource-type` rule reports unknown ones).
 */
export function resourcePropertyProblems(context: RuleContext): PropertyProblem[] {
  let problems = problemsByTemplate.get(context.template);
  if (!problems) {
    problems = [];
    for (const [logicalId, resource] of context.template.resources) {
      if (typeof resource.Type !== 'string') continue;
      const specification = context.spec.resourceType(resource.Type);
      if (!specification) continue;
      const properties = resource.Properties ?? {};
      // `Properties: !If [...]` picks a whole set at deploy time; other rules report a wrong shape.
      if (!isMapping(properties) || intrinsicName(properties) !== undefined) continue;
      problems.push(
        ...checkPropertyMap(properties, specification.properties, ['Resources', logicalId, 'Properties']),
      );
    }
    problemsByTemplate.set(context.template, problems);
  }
  return problems;
}
