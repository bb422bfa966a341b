import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';
import type {
  Property,
  PropertyType,
  Resource,
  SpecDatabase,
  TypeDefinition,
} from '@aws-cdk/service-spec-types';
import type {
  PropertyShape,
  PropertySpecification,
  ResourceSpecification,
  ResourceTypeSpecification,
} from './resource-specification.ts';

let loading: Promise<ResourceSpecification> | undefined;

/**
 * The CloudFormation resource specification bundled with `@aws-cdk/aws-service-spec` (every resource type,
 * property and attribute CloudFormation knows, kept current by the CDK team). Loading takes about two
 * seconds, so it happens once per process; resource types are converted on first use.
 */
export function loadResourceSpecification(): Promise<ResourceSpecification> {
  loading ??= loadAwsServiceSpec().then((database) => new AwsResourceSpecification(database));
  return loading;
}

class AwsResourceSpecification implements ResourceSpecification {
  private readonly converted = new Map<string, ResourceTypeSpecification | undefined>();
  private readonly definitions = new Map<string, ReadonlyMap<string, PropertySpecification>>();
  private names: readonly string[] | undefined;

  constructor(private readonly database: SpecDatabase) {}

  resourceType(type: string): ResourceTypeSpecification | undefined {
    if (!this.converted.has(type)) {
      const found = this.database.lookup('resource', 'cloudFormationType', 'equals', type);
      this.converted.set(type, found[0] ? this.convertResource(found[0]) : undefined);
    }
    return this.converted.get(type);
  }

  resourceTypeNames(): readonly string[] {
    this.names ??= this.database.all('resource').map((resource) => resource.cloudFormationType);
    return this.names;
  }

  private convertResource(resource: Resource): ResourceTypeSpecification {
    return {
      type: resource.cloudFormationType,
      properties: this.convertProperties(resource.properties),
      attributes: new Set(Object.keys(resource.attributes)),
      stateful: resource.isStateful === true,
      ...(resource.cloudFormationTransform ? { transform: resource.cloudFormationTransform } : {}),
    };
  }

  private convertProperties(properties: Record<string, Property>): ReadonlyMap<string, PropertySpecification> {
    const result = new Map<string, PropertySpecification>();
    for (const [name, property] of Object.entries(properties)) {
      result.set(name, {
        required: property.required === true,
        shapes: [property.type, ...[...(property.previousTypes ?? [])].reverse()].map((type) => this.shape(type)),
      });
    }
    return result;
  }

  private shape(type: PropertyType): PropertyShape {
    switch (type.type) {
      case 'string':
        return type.allowedValues ? { kind: 'string', allowedValues: type.allowedValues } : { kind: 'string' };
      case 'integer':
        return type.allowedValues ? { kind: 'integer', allowedValues: type.allowedValues } : { kind: 'integer' };
      case 'array':
        return { kind: 'list', element: this.shape(type.element) };
      case 'map':
        return { kind: 'map', element: this.shape(type.element) };
      case 'union':
        return { kind: 'union', shapes: type.types.map((member) => this.shape(member)) };
      case 'ref':
        return this.definitionShape(this.database.get('typeDefinition', type.reference));
      default:
        return { kind: type.type };
    }
  }

  /** Nested types are converted when a rule first looks inside one (many are never needed). */
  private definitionShape(definition: TypeDefinition): PropertyShape {
    return {
      kind: 'object',
      name: definition.name,
      properties: () => {
        let properties = this.definitions.get(definition.$id);
        if (!properties) {
          properties = this.convertProperties(definition.properties);
          this.definitions.set(definition.$id, properties);
        }
        return properties;
      },
    };
  }
}
