import type { RuleFinding } from '../template-finding.ts';
import type { TemplateRule } from '../template-rule.ts';
import { awsTransforms, intrinsicName, isMapping, type TemplateView, walkValues } from '../template-view.ts';
import { suggestion } from './closest-name.ts';
import { checkMapLookup } from './conditions-and-mappings-lookups.ts';
import { collectUses, type TemplateUses } from './conditions-and-mappings-uses.ts';
import { findCycles } from './depends-on-cycles.ts';

/**
 * Conditions and mappings that are named must exist (CloudFormation refuses the template otherwise, so
 * errors), conditions must not depend on each other in a cycle (also refused), and a second-level
 * `Fn::FindInMap` key that is missing is a warning (it may be meant for a DefaultValue, and only the stack
 * operation that looks it up fails). Parameters, mappings and conditions nobody uses are warnings: harmless,
 * but usually a leftover or a mistake.
 */
export const conditionsAndMappingsRule: TemplateRule = {
  name: 'conditions-and-mappings',
  summary:
    'Conditions and Fn::FindInMap name what exists, conditions are not circular, and nothing is unused.',
  *check({ template }) {
    const uses = collectUses(template.body);
    yield* undeclaredConditions(template, uses);
    for (const lookup of uses.mapLookups) yield* checkMapLookup(lookup, template.mappings);
    yield* conditionCycles(template);
    yield* unusedEntries(template, uses);
  },
};

function* undeclaredConditions(template: TemplateView, uses: TemplateUses): Generator<RuleFinding> {
  for (const use of uses.conditions) {
    if (template.conditions.has(use.name)) continue;
    const hint = suggestion(
      use.name,
      template.conditions.keys(),
      'declare it under Conditions or fix the name.',
    );
    yield {
      severity: 'error',
      message: `The condition '${use.name}' (named by ${use.how}) is not declared under Conditions; ${hint}`,
      path: use.path,
    };
  }
}

function* conditionCycles(template: TemplateView): Generator<RuleFinding> {
  const graph = new Map<string, Set<string>>();
  for (const [name, definition] of template.conditions) {
    const dependencies = new Set<string>();
    for (const { value } of walkValues(definition, [])) {
      if (intrinsicName(value) !== 'Condition') continue;
      const target = (value as Record<string, unknown>).Condition;
      if (typeof target === 'string') dependencies.add(target);
    }
    graph.set(name, dependencies);
  }
  for (const cycle of findCycles(graph)) {
    yield {
      severity: 'error',
      message: `Conditions depend on each other in a cycle (${cycle.join(' → ')}), which CloudFormation cannot evaluate; rewrite one of them without the Condition function.`,
      path: ['Conditions', cycle[0] ?? ''],
    };
  }
}

function* unusedEntries(template: TemplateView, uses: TemplateUses): Generator<RuleFinding> {
  if (mayBeUsedUnseen(template)) return;
  const usedConditions = new Set(uses.conditions.map((use) => use.name));
  for (const name of template.conditions.keys()) {
    if (!usedConditions.has(name))
      yield unused(
        ['Conditions', name],
        `Condition '${name}' is never used; remove it or use it in a Condition or Fn::If.`,
      );
  }
  const mapNames = uses.mapLookups.map((lookup) => lookup.arguments[0]);
  if (mapNames.every((name) => typeof name === 'string')) {
    for (const name of template.mappings.keys()) {
      if (!mapNames.includes(name))
        yield unused(
          ['Mappings', name],
          `Mapping '${name}' is never used; remove it or look it up with Fn::FindInMap.`,
        );
    }
  }
  for (const name of template.parameters.keys()) {
    if (!uses.names.has(name))
      yield unused(
        ['Parameters', name],
        `Parameter '${name}' is never used; remove it or Ref it where it applies.`,
      );
  }
}

/** A macro may read any section in ways the template does not show; so may rain's modules. */
function mayBeUsedUnseen(template: TemplateView): boolean {
  if ([...template.transforms].some((name) => !awsTransforms.has(name))) return true;
  return isMapping(template.body.Resources) && JSON.stringify(template.body.Resources).includes('"Rain::');
}

function unused(path: readonly string[], message: string): RuleFinding {
  return { severity: 'warning', message, path };
}
