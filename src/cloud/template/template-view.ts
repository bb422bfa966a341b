/** A plain mapping read from a template. */
export type TemplateMapping = Record<string, unknown>;

/** True for a mapping (not a list, not a scalar, not null). */
export function isMapping(value: unknown): value is TemplateMapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The AWS SAM transform, which adds the `AWS::Serverless::…` types and the `Globals` section. */
export const serverlessTransform = 'AWS::Serverless-2016-10-31';

/** Transforms CloudFormation runs itself; any other name in `Transform` is a user's macro. */
export const awsTransforms: ReadonlySet<string> = new Set([
  serverlessTransform,
  'AWS::LanguageExtensions',
  'AWS::Include',
  'AWS::CodeDeployBlueGreen',
  'AWS::SecretsManager-2020-07-23',
  'AWS::CodeStar',
]);

/**
 * The sections of a template that rules keep coming back to, read once. Entries that are not mappings are
 * left out here (the `template-structure` rule reports them), so other rules can assume the shape.
 */
export interface TemplateView {
  body: TemplateMapping;
  resources: ReadonlyMap<string, TemplateMapping>;
  parameters: ReadonlyMap<string, TemplateMapping>;
  mappings: ReadonlyMap<string, TemplateMapping>;
  conditions: ReadonlyMap<string, unknown>;
  outputs: ReadonlyMap<string, TemplateMapping>;
  /** Names from the top-level `Transform` (a string or a list). */
  transforms: ReadonlySet<string>;
}

/** Reads the sections of a parsed template body. */
export function viewTemplate(body: unknown): TemplateView {
  const mapping = isMapping(body) ? body : {};
  return {
    body: mapping,
    resources: mappingEntries(mapping.Resources),
    parameters: mappingEntries(mapping.Parameters),
    mappings: mappingEntries(mapping.Mappings),
    conditions: new Map(isMapping(mapping.Conditions) ? Object.entries(mapping.Conditions) : []),
    outputs: mappingEntries(mapping.Outputs),
    transforms: new Set(transformNames(mapping.Transform)),
  };
}

function mappingEntries(section: unknown): ReadonlyMap<string, TemplateMapping> {
  const entries = new Map<string, TemplateMapping>();
  if (!isMapping(section)) return entries;
  for (const [name, value] of Object.entries(section)) if (isMapping(value)) entries.set(name, value);
  return entries;
}

function transformNames(transform: unknown): string[] {
  if (typeof transform === 'string') return [transform];
  if (!Array.isArray(transform)) return [];
  return transform.flatMap((entry) => {
    if (typeof entry === 'string') return [entry];
    if (isMapping(entry) && typeof entry.Name === 'string') return [entry.Name];
    return [];
  });
}

/**
 * The intrinsic function a value is, if it is one: a mapping with a single key `Ref`, `Condition` or
 * `Fn::…` (and the `Rain::…` directives of AWS's rain tool, which stand in for a value too).
 */
export function intrinsicName(value: unknown): string | undefined {
  if (!isMapping(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const key = keys[0] as string;
  if (key === 'Ref' || key === 'Condition' || key.startsWith('Fn::') || key.startsWith('Rain::')) return key;
  return undefined;
}

/** Pseudo parameters `Ref` accepts besides parameters and resources. */
export const pseudoParameters: ReadonlySet<string> = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

/** Visits every value under `value`, depth first, with its path (the root included). */
export function* walkValues(
  value: unknown,
  path: readonly (string | number)[],
): Generator<{ value: unknown; path: readonly (string | number)[] }> {
  yield { value, path };
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) yield* walkValues(item, [...path, index]);
  } else if (isMapping(value)) {
    for (const [key, item] of Object.entries(value)) yield* walkValues(item, [...path, key]);
  }
}
