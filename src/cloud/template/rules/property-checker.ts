import type { PropertyShape, PropertySpecification } from '../resource-specification.ts';
import type { TemplatePathSegment } from '../template-finding.ts';
import { intrinsicName, isMapping } from '../template-view.ts';

/** What the checker found at one place: a name the type does not have, a missing one, or a wrong shape. */
export type PropertyProblem =
  | { kind: 'unknown'; name: string; known: readonly string[]; path: readonly TemplatePathSegment[] }
  | { kind: 'missing'; name: string; path: readonly TemplatePathSegment[] }
  | { kind: 'shape'; expected: string; found: string; warning?: true; path: readonly TemplatePathSegment[] };

/**
 * Compares a properties mapping with the specification of its type, descending into nested property types,
 * lists and maps. Values computed by intrinsic functions cannot be known before deployment and are skipped,
 * except `Fn::If`, whose two branches are each checked.
 */
export function checkPropertyMap(
  value: Record<string, unknown>,
  specification: ReadonlyMap<string, PropertySpecification>,
  path: readonly TemplatePathSegment[],
): PropertyProblem[] {
  const problems: PropertyProblem[] = [];
  // A type without declared properties (free-form JSON in disguise) accepts any names.
  const checkNames = specification.size > 0;
  const loops = Object.keys(value).some((key) => key.startsWith('Fn::ForEach::'));
  for (const [name, item] of Object.entries(value)) {
    const property = specification.get(name);
    if (property) problems.push(...checkShapes(item, property.shapes, [...path, name]));
    else if (checkNames && !name.startsWith('Fn::ForEach::'))
      problems.push({ kind: 'unknown', name, known: [...specification.keys()], path: [...path, name] });
  }
  if (!loops) {
    for (const [name, property] of specification) {
      if (property.required && !Object.hasOwn(value, name)) problems.push({ kind: 'missing', name, path });
    }
  }
  return problems;
}

/** Checks a value against shapes any one of which is acceptable; reports the closest one's problems. */
function checkShapes(
  value: unknown,
  shapes: readonly PropertyShape[],
  path: readonly TemplatePathSegment[],
): PropertyProblem[] {
  let best: PropertyProblem[] | undefined;
  for (const shape of shapes) {
    const problems = checkValue(value, shape, path);
    if (problems.length === 0) return problems;
    if (best === undefined || problems.length < best.length) best = problems;
  }
  return best ?? [];
}

function checkValue(
  value: unknown,
  shape: PropertyShape,
  path: readonly TemplatePathSegment[],
): PropertyProblem[] {
  const intrinsic = intrinsicName(value);
  if (intrinsic === 'Fn::If') return checkBranches(value as Record<string, unknown>, shape, path);
  if (intrinsic !== undefined) return [];
  switch (shape.kind) {
    case 'union':
      return checkShapes(value, shape.shapes, path);
    case 'list':
      if (!Array.isArray(value)) return [mismatch(`a list`, value, path)];
      return value.flatMap((item, index) => checkValue(item, shape.element, [...path, index]));
    case 'map':
      if (!isMapping(value)) return [mismatch('a mapping', value, path)];
      return Object.entries(value).flatMap(([key, item]) => checkValue(item, shape.element, [...path, key]));
    case 'object':
      if (!isMapping(value)) return [mismatch(`a ${shape.name} mapping`, value, path)];
      return checkPropertyMap(value, shape.properties(), path);
    case 'tag':
      return isMapping(value) && Object.hasOwn(value, 'Key')
        ? []
        : [mismatch('a tag ({Key, Value})', value, path)];
    default:
      return checkScalar(value, shape, path);
  }
}

/** `Fn::If: [condition, then, else]`: either branch may be `Ref: AWS::NoValue`, which removes the property. */
function checkBranches(
  value: Record<string, unknown>,
  shape: PropertyShape,
  path: readonly TemplatePathSegment[],
): PropertyProblem[] {
  const branches = value['Fn::If'];
  if (!Array.isArray(branches)) return [];
  return [1, 2].flatMap((index) => checkValue(branches[index], shape, [...path, 'Fn::If', index]));
}

const numberText = /^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/;

function checkScalar(
  value: unknown,
  shape: PropertyShape,
  path: readonly TemplatePathSegment[],
): PropertyProblem[] {
  switch (shape.kind) {
    case 'string':
    case 'date-time':
      // CloudFormation turns numbers and booleans into strings, as YAML authors expect.
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
        return allowedValue(value, shape.kind === 'string' ? shape.allowedValues : undefined, path);
      return [mismatch('a string', value, path)];
    case 'integer':
    case 'number': {
      const numeric = typeof value === 'number' || (typeof value === 'string' && numberText.test(value));
      if (!numeric) return [mismatch(shape.kind === 'integer' ? 'an integer' : 'a number', value, path)];
      if (shape.kind === 'integer' && !Number.isInteger(Number(value)))
        return [mismatch('an integer', value, path)];
      return [];
    }
    case 'boolean':
      if (typeof value === 'boolean' || (typeof value === 'string' && /^(true|false)$/i.test(value)))
        return [];
      return [mismatch('true or false', value, path)];
    default:
      return [];
  }
}

/** Enumerations in the specification lag behind the services now and then, so a miss is a warning. */
function allowedValue(
  value: string | number | boolean,
  allowed: readonly string[] | undefined,
  path: readonly TemplatePathSegment[],
): PropertyProblem[] {
  if (!allowed || allowed.length === 0 || allowed.includes(String(value))) return [];
  return [
    {
      kind: 'shape',
      expected: `one of ${allowed.join(', ')}`,
      found: JSON.stringify(value),
      warning: true,
      path,
    },
  ];
}

function mismatch(expected: string, value: unknown, path: readonly TemplatePathSegment[]): PropertyProblem {
  return { kind: 'shape', expected, found: describeValue(value), path };
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (isMapping(value)) return 'a mapping';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}
