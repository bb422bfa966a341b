import { isMapping } from '../template-view.ts';

/** A `${…}` variable of an `Fn::Sub` string, split at its first dot (`${Bucket.Arn}`). */
export interface SubVariable {
  /** The whole text between `${` and `}`. */
  text: string;
  /** The part before the first dot: a parameter, resource, pseudo parameter or variable-map key. */
  name: string;
  /** The part after the first dot, for `${Resource.Attribute}`. */
  attribute?: string;
}

/**
 * The variables of an `Fn::Sub` string. `${!Literal}` is CloudFormation's escape for a literal `${Literal}`,
 * so it is no variable.
 */
export function subVariables(text: string): SubVariable[] {
  const variables: SubVariable[] = [];
  for (const match of text.matchAll(/\$\{([^}]*)\}/g)) {
    const inner = match[1] ?? '';
    if (inner === '' || inner.startsWith('!')) continue;
    const dot = inner.indexOf('.');
    variables.push(
      dot < 0
        ? { text: inner, name: inner }
        : { text: inner, name: inner.slice(0, dot), attribute: inner.slice(dot + 1) },
    );
  }
  return variables;
}

/** The template string and variable map of an `Fn::Sub` value (string form or `[string, map]`). */
export function subParts(value: unknown): { text: string; variableNames: ReadonlySet<string> } | undefined {
  if (typeof value === 'string') return { text: value, variableNames: new Set() };
  if (!Array.isArray(value) || typeof value[0] !== 'string') return undefined;
  const variables = value[1];
  return { text: value[0], variableNames: new Set(isMapping(variables) ? Object.keys(variables) : []) };
}
