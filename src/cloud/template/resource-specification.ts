/** The shape a property value must have, as the CloudFormation resource specification describes it. */
export type PropertyShape =
  | { kind: 'string'; allowedValues?: readonly string[] }
  | { kind: 'integer'; allowedValues?: readonly number[] }
  | { kind: 'number' | 'boolean' | 'json' | 'date-time' | 'null' | 'tag' }
  | { kind: 'list' | 'map'; element: PropertyShape }
  | { kind: 'object'; name: string; properties: () => ReadonlyMap<string, PropertySpecification> }
  | { kind: 'union'; shapes: readonly PropertyShape[] };

/** One property of a resource type or of a nested property type. */
export interface PropertySpecification {
  required: boolean;
  /** The current shape first, then earlier shapes CloudFormation still accepts. */
  shapes: readonly PropertyShape[];
}

/** One resource type, e.g. `AWS::S3::Bucket`. */
export interface ResourceTypeSpecification {
  type: string;
  properties: ReadonlyMap<string, PropertySpecification>;
  /** Names `Fn::GetAtt` accepts, nested ones with dots (`Endpoint.Address`). */
  attributes: ReadonlySet<string>;
  /** Holds data that a replacement or deletion would lose (databases, buckets, volumes …). */
  stateful: boolean;
  /** The transform that must be declared to use this type (`AWS::Serverless-2016-10-31`). */
  transform?: string;
}

/**
 * The CloudFormation resource specification, as rules read it. Quarry's adapter reads
 * `@aws-cdk/aws-service-spec`; tests may pass a smaller one.
 */
export interface ResourceSpecification {
  /** The resource type, or `undefined` when CloudFormation has no such type. */
  resourceType(type: string): ResourceTypeSpecification | undefined;
  /** Every known type name, for "did you mean" suggestions. */
  resourceTypeNames(): readonly string[];
}
