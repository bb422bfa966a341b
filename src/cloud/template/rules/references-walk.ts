import type { TemplatePathSegment } from '../template-finding.ts';
import { isMapping, type TemplateMapping } from '../template-view.ts';

/** A value met while walking a template, with the `Fn::ForEach` loop identifiers in scope there. */
export interface ScopedValue {
  value: unknown;
  path: readonly TemplatePathSegment[];
  /** Identifiers of the enclosing `Fn::ForEach` loops (`AWS::LanguageExtensions`), usable as `${Name}`. */
  loopIdentifiers: ReadonlySet<string>;
}

/** Options of {@link resolvedParts}. */
export interface ResolvedPartsOptions {
  /** Include each resource's `Metadata` (CloudFormation resolves its intrinsic functions too). */
  includeResourceMetadata: boolean;
}

const noIdentifiers: ReadonlySet<string> = new Set();

/**
 * The parts of a template whose intrinsic functions CloudFormation resolves: each resource's and output's
 * attributes, the Conditions and Rules sections and SAM's Globals. The top-level Metadata section is left
 * out: CloudFormation stores it as written.
 */
export function* resolvedParts(body: TemplateMapping, options: ResolvedPartsOptions): Generator<ScopedValue> {
  yield* entryParts(body.Resources, ['Resources'], noIdentifiers, options.includeResourceMetadata);
  yield* entryParts(body.Outputs, ['Outputs'], noIdentifiers, true);
  for (const section of ['Conditions', 'Rules', 'Globals']) {
    if (Object.hasOwn(body, section))
      yield { value: body[section], path: [section], loopIdentifiers: noIdentifiers };
  }
}

/** The `[identifier, collection, body]` of an `Fn::ForEach::Name` entry, if `key`/`value` is one. */
export function forEachLoop(
  key: string,
  value: unknown,
): { identifier: string | undefined; collection: unknown; body: unknown } | undefined {
  if (!key.startsWith('Fn::ForEach::') || !Array.isArray(value)) return undefined;
  const [identifier, collection, body] = value;
  return { identifier: typeof identifier === 'string' ? identifier : undefined, collection, body };
}

function* entryParts(
  section: unknown,
  path: readonly TemplatePathSegment[],
  loopIdentifiers: ReadonlySet<string>,
  includeMetadata: boolean,
): Generator<ScopedValue> {
  if (!isMapping(section)) return;
  for (const [name, entry] of Object.entries(section)) {
    const entryPath = [...path, name];
    const loop = forEachLoop(name, entry);
    if (loop) {
      yield { value: loop.collection, path: [...entryPath, 1], loopIdentifiers };
      const inner = withIdentifier(loopIdentifiers, loop.identifier);
      yield* entryParts(loop.body, [...entryPath, 2], inner, includeMetadata);
    } else if (isMapping(entry)) {
      for (const [key, part] of Object.entries(entry)) {
        if (key !== 'Metadata' || includeMetadata)
          yield { value: part, path: [...entryPath, key], loopIdentifiers };
      }
    }
  }
}

/**
 * Visits every value under `value`, depth first, the root included; inside an `Fn::ForEach` loop body
 * the loop's identifier joins those in scope.
 */
export function* walkScoped(
  value: unknown,
  path: readonly TemplatePathSegment[],
  loopIdentifiers: ReadonlySet<string>,
): Generator<ScopedValue> {
  yield { value, path, loopIdentifiers };
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) yield* walkScoped(item, [...path, index], loopIdentifiers);
  } else if (isMapping(value)) {
    for (const [key, item] of Object.entries(value)) {
      const loop = forEachLoop(key, item);
      if (loop) {
        yield* walkScoped(loop.collection, [...path, key, 1], loopIdentifiers);
        yield* walkScoped(loop.body, [...path, key, 2], withIdentifier(loopIdentifiers, loop.identifier));
      } else {
        yield* walkScoped(item, [...path, key], loopIdentifiers);
      }
    }
  }
}

/** Every value of the template's resolved parts, each with its loop identifiers. */
export function* walkResolvedParts(
  body: TemplateMapping,
  options: ResolvedPartsOptions,
): Generator<ScopedValue> {
  for (const part of resolvedParts(body, options))
    yield* walkScoped(part.value, part.path, part.loopIdentifiers);
}

function withIdentifier(
  identifiers: ReadonlySet<string>,
  identifier: string | undefined,
): ReadonlySet<string> {
  return identifier === undefined ? identifiers : new Set([...identifiers, identifier]);
}
