import type { ResourceSpecification } from '../resource-specification.ts';
import { closestName } from './closest-name.ts';

/** The resource and attribute an `Fn::GetAtt` names; the attribute is undefined when it is not literal. */
export interface GetAttTarget {
  resource: string;
  attribute: string | undefined;
}

/** Reads both forms: `['Resource', 'Attribute']` and `'Resource.Attribute'` (split at the first dot). */
export function getAttTarget(argument: unknown): GetAttTarget | undefined {
  if (typeof argument === 'string') {
    const dot = argument.indexOf('.');
    return dot < 0
      ? { resource: argument, attribute: undefined }
      : { resource: argument.slice(0, dot), attribute: argument.slice(dot + 1) };
  }
  if (!Array.isArray(argument) || typeof argument[0] !== 'string') return undefined;
  const attribute = argument[1];
  return { resource: argument[0], attribute: typeof attribute === 'string' ? attribute : undefined };
}

/**
 * Why `type` has no attribute `attribute`, or `undefined` when it has (or when nobody can tell: custom
 * resources return whatever their handler sends, transforms make their own resources, nested stacks
 * return their outputs, and unknown types are the resource-type rule's business).
 */
export function checkAttribute(
  type: string | undefined,
  attribute: string,
  spec: ResourceSpecification,
): string | undefined {
  if (type === undefined || isFreeFormType(type, attribute)) return undefined;
  const typeSpecification = spec.resourceType(type);
  if (!typeSpecification || typeSpecification.transform !== undefined) return undefined;
  const attributes = typeSpecification.attributes;
  if (attributes.has(attribute)) return undefined;
  if (attributes.size === 0)
    return `${type} has no attributes for Fn::GetAtt; use Ref to get its identifier.`;
  const closest = closestName(attribute, attributes);
  const hint =
    closest === undefined ? `use one of ${attributeSample(attributes)}.` : `did you mean '${closest}'?`;
  return `${type} has no attribute '${attribute}'; ${hint}`;
}

/** A few attribute names for the message, top-level ones (`Arn`) before nested ones (`Endpoint.Address`). */
function attributeSample(attributes: ReadonlySet<string>): string {
  const sorted = [...attributes].sort(
    (left, right) => Number(left.includes('.')) - Number(right.includes('.')),
  );
  const shown = sorted.slice(0, 6).join(', ');
  return sorted.length > 6 ? `${shown} (or ${sorted.length - 6} more)` : shown;
}

function isFreeFormType(type: string, attribute: string): boolean {
  if (type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource') return true;
  return type === 'AWS::CloudFormation::Stack' && attribute.startsWith('Outputs.');
}
