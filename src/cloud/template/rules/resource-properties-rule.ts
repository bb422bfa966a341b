import type { TemplateRule } from '../template-rule.ts';
import { suggestion } from './closest-name.ts';
import { resourcePropertyProblems } from './resource-property-problems.ts';

/** Property names each resource type (and nested property type) has, and those it requires. */
export const resourcePropertiesRule: TemplateRule = {
  name: 'resource-properties',
  summary: 'property names that the resource type has, and every required property present',
  *check(context) {
    for (const problem of resourcePropertyProblems(context)) {
      if (problem.kind === 'unknown') {
        const hint = suggestion(
          problem.name,
          problem.known,
          `expected one of ${problem.known.slice(0, 40).join(', ')}.`,
        );
        yield { severity: 'error', message: `Unknown property ${problem.name}: ${hint}`, path: problem.path };
      } else if (problem.kind === 'missing') {
        yield {
          severity: 'error',
          message: `Required property ${problem.name} is missing.`,
          path: problem.path,
        };
      }
    }
  },
};
