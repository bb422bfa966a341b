import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { PropertyType } from '@aws-cdk/service-spec-types';
import {
  type CompactProperty,
  type CompactResource,
  type CompactSpecification,
  compactSpecification,
} from './compact-specification.ts';
import type {
  PropertyShape,
  PropertySpecification,
  ResourceSpecification,
  ResourceTypeSpecification,
} from './resource-specification.ts';

/** Options of {@link loadResourceSpecification}. */
export interface SpecificationOptions {
  /**
   * A folder to keep the compact specification in (Quarry passes `<QUARRY_HOME>/cache`). The first load
   * writes it; later ones read it in a tenth of the time. Without it, every load reads the full database.
   */
  cacheFolder?: string;
}

const loaded = new Map<string, Promise<ResourceSpecification>>();

/**
 * The CloudFormation resource specification bundled with `@aws-cdk/aws-service-spec` (every resource type,
 * property and attribute CloudFormation knows, kept current by the CDK team). Loaded once per process;
 * resource types are converted on first use.
 */
export function loadResourceSpecification(
  options: SpecificationOptions = {},
): Promise<ResourceSpecification> {
  const key = options.cacheFolder ?? '';
  let loading = loaded.get(key);
  if (!loading) {
    loading = compactFor(options.cacheFolder).then((compact) => new AwsResourceSpecification(compact));
    loaded.set(key, loading);
    // A failed load (a broken installation) is not remembered: the next call tries again.
    loading.catch(() => loaded.delete(key));
  }
  return loading;
}

function specificationVersion(): string {
  const require = createRequire(import.meta.url);
  return (require('@aws-cdk/aws-service-spec/package.json') as { version: string }).version;
}

async function compactFor(cacheFolder: string | undefined): Promise<CompactSpecification> {
  const version = specificationVersion();
  if (cacheFolder === undefined) return compactSpecification(version);
  const file = path.join(cacheFolder, `cloudformation-spec-${version}.json`);
  const cached = await readCache(file);
  if (cached?.version === version && typeof cached.resources === 'object') return cached;
  const compact = await compactSpecification(version);
  await writeCache(file, compact);
  return compact;
}

/** The cached specification, or `undefined` when it is missing or damaged (then it is made again). */
async function readCache(file: string): Promise<CompactSpecification | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as CompactSpecification;
  } catch {
    return undefined;
  }
}

/** A cache that cannot be written (read-only home, full disk) only costs speed, never the validation. */
async function writeCache(file: string, compact: CompactSpecification): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(temporary, JSON.stringify(compact));
    await rename(temporary, file);
  } catch {
    await rm(temporary, { force: true }).catch(() => {});
  }
}

class AwsResourceSpecification implements ResourceSpecification {
  private readonly converted = new Map<string, ResourceTypeSpecification | undefined>();
  private readonly definitions = new Map<string, ReadonlyMap<string, PropertySpecification>>();
  private readonly names: readonly string[];

  constructor(private readonly compact: CompactSpecification) {
    this.names = Object.keys(compact.resources);
  }

  resourceType(type: string): ResourceTypeSpecification | undefined {
    if (!this.converted.has(type)) {
      const found = Object.hasOwn(this.compact.resources, type) ? this.compact.resources[type] : undefined;
      this.converted.set(type, found ? this.convertResource(type, found) : undefined);
    }
    return this.converted.get(type);
  }

  resourceTypeNames(): readonly string[] {
    return this.names;
  }

  private convertResource(type: string, resource: CompactResource): ResourceTypeSpecification {
    return {
      type,
      properties: this.convertProperties(resource.properties),
      attributes: new Set(resource.attributes),
      stateful: resource.stateful === true,
      ...(resource.transform ? { transform: resource.transform } : {}),
    };
  }

  private convertProperties(
    properties: Record<string, CompactProperty>,
  ): ReadonlyMap<string, PropertySpecification> {
    const result = new Map<string, PropertySpecification>();
    for (const [name, property] of Object.entries(properties)) {
      // Newest first: the current type, then earlier ones CloudFormation still accepts.
      const history = [...(property.previousTypes ?? [])].reverse();
      result.set(name, {
        required: property.required === true,
        shapes: [property.type, ...history].map((type) => this.shape(type)),
      });
    }
    return result;
  }

  private shape(type: PropertyType): PropertyShape {
    switch (type.type) {
      case 'string':
        return type.allowedValues
          ? { kind: 'string', allowedValues: type.allowedValues }
          : { kind: 'string' };
      case 'integer':
        return type.allowedValues
          ? { kind: 'integer', allowedValues: type.allowedValues }
          : { kind: 'integer' };
      case 'array':
        return { kind: 'list', element: this.shape(type.element) };
      case 'map':
        return { kind: 'map', element: this.shape(type.element) };
      case 'union':
        return { kind: 'union', shapes: type.types.map((member) => this.shape(member)) };
      case 'ref':
        return this.definitionShape(type.reference.$ref);
      default:
        return { kind: type.type };
    }
  }

  /** Nested types are converted when a rule first looks inside one (most are never needed). */
  private definitionShape(id: string): PropertyShape {
    const definition = this.compact.typeDefinitions[id];
    return {
      kind: 'object',
      name: definition?.name ?? id,
      properties: () => {
        let properties = this.definitions.get(id);
        if (!properties) {
          properties = this.convertProperties(definition?.properties ?? {});
          this.definitions.set(id, properties);
        }
        return properties;
      },
    };
  }
}
