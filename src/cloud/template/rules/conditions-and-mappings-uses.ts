import type { TemplatePathSegment } from '../template-finding.ts';
import { intrinsicName, type TemplateMapping } from '../template-view.ts';
import { subParts, subVariables } from './references-sub-variables.ts';
import { resolvedParts, walkScoped } from './references-walk.ts';

/** A place that names a condition. */
export interface ConditionUse {
  name: string;
  path: readonly TemplatePathSegment[];
  /** How it is named, for messages: a resource's or output's `Condition`, `Fn::If`, or the `Condition` function. */
  how: 'the Condition attribute' | 'Fn::If' | 'the Condition function';
}

/** An `Fn::FindInMap` and its arguments. */
export interface MapLookup {
  arguments: readonly unknown[];
  path: readonly TemplatePathSegment[];
}

/** What a template's resolved parts name: conditions, mappings, and parameters (by Ref, Sub or ValueOf). */
export interface TemplateUses {
  conditions: ConditionUse[];
  mapLookups: MapLookup[];
  names: Set<string>;
}

/**
 * Collects every use in the parts CloudFormation resolves, resource Metadata included (CloudFormation
 * resolves intrinsic functions there too, for cfn-init and the like).
 */
export function collectUses(body: TemplateMapping): TemplateUses {
  const uses: TemplateUses = { conditions: [], mapLookups: [], names: new Set() };
  for (const part of resolvedParts(body, { includeResourceMetadata: true })) {
    const section = part.path[0];
    const isEntryCondition =
      (section === 'Resources' || section === 'Outputs') && part.path.at(-1) === 'Condition';
    if (isEntryCondition && typeof part.value === 'string') {
      uses.conditions.push({ name: part.value, path: part.path, how: 'the Condition attribute' });
    }
    for (const site of walkScoped(part.value, part.path, part.loopIdentifiers)) {
      const name = intrinsicName(site.value);
      if (name === undefined) continue;
      const argument = (site.value as Record<string, unknown>)[name];
      collectUse(uses, name, argument, [...site.path, name]);
    }
  }
  return uses;
}

function collectUse(uses: TemplateUses, name: string, argument: unknown, path: TemplatePathSegment[]): void {
  const first = Array.isArray(argument) ? argument[0] : undefined;
  if (name === 'Fn::If' && typeof first === 'string')
    uses.conditions.push({ name: first, path, how: 'Fn::If' });
  if (name === 'Condition' && path[0] === 'Conditions' && typeof argument === 'string') {
    uses.conditions.push({ name: argument, path, how: 'the Condition function' });
  }
  if (name === 'Fn::FindInMap' && Array.isArray(argument))
    uses.mapLookups.push({ arguments: argument, path });
  if (name === 'Ref' && typeof argument === 'string') uses.names.add(argument);
  if (name === 'Fn::ValueOf' && typeof first === 'string') uses.names.add(first);
  if (name === 'Fn::Sub') {
    for (const variable of subVariables(subParts(argument)?.text ?? '')) uses.names.add(variable.name);
  }
}
