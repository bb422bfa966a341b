import type { RuleFinding, TemplatePathSegment } from '../template-finding.ts';
import type { TemplateRule } from '../template-rule.ts';
import { intrinsicName, isMapping, serverlessTransform, type TemplateMapping } from '../template-view.ts';
import { checkParameters } from './template-parameters.ts';

/** Top-level sections CloudFormation accepts. */
const sections = new Set([
  'AWSTemplateFormatVersion',
  'Description',
  'Metadata',
  'Parameters',
  'Rules',
  'Mappings',
  'Conditions',
  'Transform',
  'Resources',
  'Outputs',
  'Hooks',
]);

/** Attributes a resource entry may carry besides its properties. */
const resourceAttributes = new Set([
  'Type',
  'Properties',
  'DependsOn',
  'Condition',
  'DeletionPolicy',
  'UpdateReplacePolicy',
  'Metadata',
  'CreationPolicy',
  'UpdatePolicy',
  'Version',
]);

const deletionPolicies = new Set(['Delete', 'Retain', 'RetainExceptOnCreate', 'Snapshot']);

/** CloudFormation's documented quota of resources per template. */
const maxResources = 500;

/** Checks the sections of a template and the shape of each resource entry. */
export const templateStructureRule: TemplateRule = {
  name: 'template-structure',
  summary: 'known top-level sections of the right types; resources with a Type and known attributes',
  *check({ template }) {
    const body = template.body;
    if (!looksLikeTemplate(body)) {
      yield error(
        'This is not a CloudFormation template: it has neither Resources nor AWSTemplateFormatVersion.',
        [],
      );
      return;
    }
    yield* checkSections(body, template.transforms);
    yield* checkResources(body.Resources);
    yield* checkParameters(body.Parameters);
    yield* checkMappings(body.Mappings);
  },
};

function error(message: string, path: readonly TemplatePathSegment[]): RuleFinding {
  return { severity: 'error', message, path };
}

/** A mapping with none of the template's own sections is some other file (an event, a config …). */
function looksLikeTemplate(body: TemplateMapping): boolean {
  return (
    Object.hasOwn(body, 'Resources') ||
    Object.hasOwn(body, 'AWSTemplateFormatVersion') ||
    Object.hasOwn(body, 'Transform')
  );
}

function* checkSections(body: TemplateMapping, transforms: ReadonlySet<string>): Iterable<RuleFinding> {
  for (const key of Object.keys(body)) {
    // SAM's `Globals` section is read by the serverless transform.
    if (key === 'Globals' && transforms.has(serverlessTransform)) continue;
    if (!sections.has(key))
      yield error(`Unknown top-level section ${key}: expected one of ${[...sections].join(', ')}.`, [key]);
  }
  const version = body.AWSTemplateFormatVersion;
  if (version !== undefined && version !== '2010-09-09')
    yield error("AWSTemplateFormatVersion must be '2010-09-09', the only version there is.", [
      'AWSTemplateFormatVersion',
    ]);
  const description = body.Description;
  if (description !== undefined && typeof description !== 'string')
    yield error('Description must be a string.', ['Description']);
  if (typeof description === 'string' && description.length > 1024)
    yield error(`Description is ${description.length} characters; CloudFormation allows 1024.`, [
      'Description',
    ]);
  for (const section of ['Metadata', 'Parameters', 'Rules', 'Mappings', 'Conditions', 'Outputs'] as const) {
    if (body[section] !== undefined && !isMapping(body[section]))
      yield error(`${section} must be a mapping of names to entries.`, [section]);
  }
  const transform = body.Transform;
  if (transform !== undefined && typeof transform !== 'string' && !Array.isArray(transform))
    yield error('Transform must be a transform name or a list of them.', ['Transform']);
}

function* checkResources(resources: unknown): Iterable<RuleFinding> {
  if (resources === undefined) {
    yield error('The template has no Resources section; CloudFormation needs at least one resource.', []);
    return;
  }
  if (!isMapping(resources)) {
    yield error('Resources must be a mapping of logical ids to resources.', ['Resources']);
    return;
  }
  const entries = Object.entries(resources);
  if (entries.length === 0) yield error('Resources is empty; declare at least one resource.', ['Resources']);
  if (entries.length > maxResources)
    yield error(`The template declares ${entries.length} resources; CloudFormation allows ${maxResources}.`, [
      'Resources',
    ]);
  for (const [logicalId, resource] of entries) {
    // `Fn::ForEach::Name` loops (AWS::LanguageExtensions) expand into resources at deploy time.
    if (logicalId.startsWith('Fn::ForEach::')) continue;
    yield* checkResource(logicalId, resource);
  }
}

function* checkResource(logicalId: string, resource: unknown): Iterable<RuleFinding> {
  const path = ['Resources', logicalId];
  if (!/^[A-Za-z0-9]+$/.test(logicalId))
    yield error(`Logical id ${logicalId} must be alphanumeric (A-Z, a-z, 0-9).`, path);
  if (!isMapping(resource)) {
    yield error(`Resource ${logicalId} must be a mapping with a Type.`, path);
    return;
  }
  const type = resource.Type;
  if (type === undefined) yield error(`Resource ${logicalId} has no Type.`, path);
  else if (typeof type !== 'string' && intrinsicName(type)?.startsWith('Rain::') !== true)
    yield error(`Resource ${logicalId}'s Type must be a string such as AWS::S3::Bucket.`, [...path, 'Type']);
  for (const key of Object.keys(resource)) {
    if (!resourceAttributes.has(key))
      yield error(
        `Resource ${logicalId} has an unknown attribute ${key}; put resource settings under Properties.`,
        [...path, key],
      );
  }
  yield* checkResourceAttributes(logicalId, resource, path);
}

function* checkResourceAttributes(
  logicalId: string,
  resource: TemplateMapping,
  path: readonly string[],
): Iterable<RuleFinding> {
  const properties = resource.Properties;
  if (properties !== undefined && !isMapping(properties))
    yield error(`Properties of ${logicalId} must be a mapping.`, [...path, 'Properties']);
  const dependsOn = resource.DependsOn;
  const dependsOk =
    typeof dependsOn === 'string' ||
    (Array.isArray(dependsOn) && dependsOn.every((item) => typeof item === 'string'));
  if (dependsOn !== undefined && !dependsOk)
    yield error(`DependsOn of ${logicalId} must be a logical id or a list of them.`, [...path, 'DependsOn']);
  if (resource.Condition !== undefined && typeof resource.Condition !== 'string')
    yield error(`Condition of ${logicalId} must be a condition name.`, [...path, 'Condition']);
  for (const policy of ['DeletionPolicy', 'UpdateReplacePolicy'] as const) {
    const value = resource[policy];
    if (typeof value === 'string' && !deletionPolicies.has(value))
      yield error(`${policy} of ${logicalId} must be one of ${[...deletionPolicies].join(', ')}.`, [
        ...path,
        policy,
      ]);
    else if (value !== undefined && typeof value !== 'string' && intrinsicName(value) === undefined)
      yield error(`${policy} of ${logicalId} must be a string.`, [...path, policy]);
  }
}

function* checkMappings(mappings: unknown): Iterable<RuleFinding> {
  if (!isMapping(mappings)) return;
  for (const [name, mapping] of Object.entries(mappings)) {
    if (name.startsWith('Fn::ForEach::')) continue;
    if (!isMapping(mapping)) {
      yield error(`Mapping ${name} must be a mapping of top-level keys.`, ['Mappings', name]);
      continue;
    }
    for (const [key, values] of Object.entries(mapping)) {
      if (!isMapping(values))
        yield error(`Mappings/${name}/${key} must be a mapping of second-level keys to values.`, [
          'Mappings',
          name,
          key,
        ]);
    }
  }
}
