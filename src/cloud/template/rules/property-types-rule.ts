import type { TemplateRule } from '../template-rule.ts';
import { resourcePropertyProblems } from './resource-property-problems.ts';

/** Values of the primitive, list and mapping types the specification gives each property. */
export const propertyTypesRule: TemplateRule = {
  name: 'property-types',
  summary: 'property values of the type the specification gives (string, number, boolean, list, mapping …)',
  *check(context) {
    for (const problem of resourcePropertyProblems(context)) {
      if (problem.kind !== 'shape') continue;
      yield {
        severity: problem.warning ? 'warning' : 'error',
        message: `Expected ${problem.expected}, found ${problem.found}.`,
        path: problem.path,
      };
    }
  },
};
