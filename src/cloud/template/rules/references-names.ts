import { isMapping, serverlessTransform, type TemplateView } from '../template-view.ts';
import { forEachLoop } from './references-walk.ts';

/** A resource a name stands for: declared, made by an `Fn::ForEach` loop, or made by a transform. */
export interface NamedResource {
  /** The resource type, when known (a transform's generated resources have none here). */
  type: string | undefined;
}

/** The names a template's references can point at. */
export interface TemplateNames {
  parameters: ReadonlySet<string>;
  /** Logical ids of the resources written out in the template (loops and transforms aside). */
  declaredResources: ReadonlySet<string>;
  /** The resource `name` stands for, or `undefined` when there is none. */
  findResource(name: string): NamedResource | undefined;
}

/**
 * Reads the names of a template. Names that the template does not spell out are accepted when something
 * else may make them: an `Fn::ForEach` loop under Resources (its key `Bucket${Name}` matches `BucketLogs`),
 * SAM (which makes `MyFunctionRole` from `MyFunction`, and `ServerlessRestApi`), rain modules and includes.
 */
export function templateNames(view: TemplateView): TemplateNames {
  const declared = new Map<string, string | undefined>();
  for (const [name, resource] of view.resources) {
    declared.set(name, typeof resource.Type === 'string' ? resource.Type : undefined);
  }
  const loopPatterns = loopResourcePatterns(view.body.Resources);
  const generatedPrefixes = [...serverlessPrefixes(view, declared), ...expandedPrefixes(view)];
  return {
    parameters: new Set(view.parameters.keys()),
    declaredResources: new Set(declared.keys()),
    findResource(name) {
      if (declared.has(name)) return { type: declared.get(name) };
      const looped = loopPatterns.find((pattern) => pattern.pattern.test(name));
      if (looped) return { type: looped.type };
      if (generatedPrefixes.some((prefix) => name.startsWith(prefix))) return { type: undefined };
      return undefined;
    },
  };
}

interface LoopPattern {
  pattern: RegExp;
  type: string | undefined;
}

/** Each loop-made logical id as a pattern: `${Id}` stands for any text, `&{Id}` for letters and digits. */
function loopResourcePatterns(section: unknown): LoopPattern[] {
  const patterns: LoopPattern[] = [];
  if (!isMapping(section)) return patterns;
  for (const [key, value] of Object.entries(section)) {
    const loop = forEachLoop(key, value);
    if (!loop || !isMapping(loop.body)) continue;
    for (const [template, resource] of Object.entries(loop.body)) {
      if (template.startsWith('Fn::ForEach::')) {
        patterns.push(...loopResourcePatterns({ [template]: resource }));
        continue;
      }
      const type = isMapping(resource) && typeof resource.Type === 'string' ? resource.Type : undefined;
      patterns.push({ pattern: keyPattern(template), type });
    }
  }
  return patterns;
}

function keyPattern(template: string): RegExp {
  const source = template
    .split(/([$&]\{[^}]*\})/)
    .map((piece) => {
      if (piece.startsWith('${')) return '.+';
      if (piece.startsWith('&{')) return '[A-Za-z0-9]+';
      return piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('');
  return new RegExp(`^${source}$`);
}

/** SAM names what it makes after the resource it expands (`MyFunctionRole`), or `ServerlessRestApi…`. */
function serverlessPrefixes(view: TemplateView, declared: ReadonlyMap<string, string | undefined>): string[] {
  if (!view.transforms.has(serverlessTransform)) return [];
  const prefixes = ['ServerlessRestApi', 'ServerlessHttpApi'];
  for (const [name, type] of declared) if (type?.startsWith('AWS::Serverless::')) prefixes.push(name);
  return prefixes;
}

/**
 * Resources that expand into several named after themselves: CloudFormation modules (`Type: My::Vpc::MODULE`)
 * and rain's `Type: !Rain::Module` (`Network` becomes `NetworkVPC` …); and an `Fn::Transform` (AWS::Include)
 * among the resources, which may add any name. Macros are left to the validator, which softens errors.
 */
function expandedPrefixes(view: TemplateView): string[] {
  const section = view.body.Resources;
  if (isMapping(section) && Object.hasOwn(section, 'Fn::Transform')) return [''];
  const prefixes: string[] = [];
  for (const [name, resource] of view.resources) {
    const type = resource.Type;
    if (
      (isMapping(type) && Object.hasOwn(type, 'Rain::Module')) ||
      (typeof type === 'string' && type.endsWith('::MODULE'))
    )
      prefixes.push(name);
  }
  return prefixes;
}
