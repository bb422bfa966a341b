import type { ResourceSpecification } from '../resource-specification.ts';
import type { RuleFinding, TemplatePathSegment } from '../template-finding.ts';
import type { TemplateRule } from '../template-rule.ts';
import { intrinsicName, pseudoParameters } from '../template-view.ts';
import { suggestion } from './closest-name.ts';
import { checkAttribute, getAttTarget } from './references-attributes.ts';
import { type TemplateNames, templateNames } from './references-names.ts';
import { subParts, subVariables } from './references-sub-variables.ts';
import { type ScopedValue, walkResolvedParts } from './references-walk.ts';

/** What a single reference is checked against. */
interface ReferenceScope {
  names: TemplateNames;
  spec: ResourceSpecification;
  loopIdentifiers: ReadonlySet<string>;
  /** Conditions and Rules may only name parameters: resources do not exist yet when they are evaluated. */
  parametersOnly: boolean;
}

/**
 * `Ref`, `Fn::GetAtt` and `Fn::Sub` must name something that exists: a parameter, a resource (with an
 * attribute its type has) or a pseudo parameter. CloudFormation refuses such a template outright, so these
 * are errors. Resource Metadata is checked too: CloudFormation resolves intrinsic functions there (cfn-init
 * reads the results), and an unresolved `Ref` in it fails the deployment. The top-level Metadata section
 * is not: CloudFormation leaves it as written.
 */
export const referencesRule: TemplateRule = {
  name: 'references',
  summary:
    'Ref, Fn::GetAtt and Fn::Sub name existing parameters, resources, attributes and pseudo parameters.',
  *check({ template, spec }) {
    const names = templateNames(template);
    for (const site of walkResolvedParts(template.body, { includeResourceMetadata: true })) {
      const scope = {
        names,
        spec,
        loopIdentifiers: site.loopIdentifiers,
        parametersOnly: site.path[0] === 'Conditions' || site.path[0] === 'Rules',
      };
      yield* checkSite(site, scope);
    }
  },
};

function* checkSite(site: ScopedValue, scope: ReferenceScope): Generator<RuleFinding> {
  const name = intrinsicName(site.value);
  if (name === undefined) return;
  const argument = (site.value as Record<string, unknown>)[name];
  const path = [...site.path, name];
  if (name === 'Ref' && typeof argument === 'string') yield* checkRef(argument, path, scope);
  if (name === 'Fn::GetAtt') yield* checkGetAtt(argument, path, scope);
  if (name === 'Fn::Sub') yield* checkSub(argument, path, scope);
}

function* checkRef(
  target: string,
  path: TemplatePathSegment[],
  scope: ReferenceScope,
): Generator<RuleFinding> {
  if (isParameterLike(target, scope) || isLoopText(target)) return;
  const resource = scope.names.findResource(target);
  if (resource && scope.parametersOnly) {
    yield error(
      path,
      `'${target}' is a resource, but ${path[0]} can only Ref parameters and pseudo parameters.`,
    );
  } else if (!resource) {
    const hint = suggestion(
      target,
      candidates(scope),
      'declare it under Parameters or Resources, or fix the name.',
    );
    yield error(path, `Ref to '${target}' names no parameter, resource or pseudo parameter; ${hint}`);
  }
}

function* checkGetAtt(
  argument: unknown,
  path: TemplatePathSegment[],
  scope: ReferenceScope,
): Generator<RuleFinding> {
  const target = getAttTarget(argument);
  if (!target || isLoopText(target.resource)) return;
  const resource = scope.names.findResource(target.resource);
  if (!resource) {
    yield error(path, unknownResourceMessage('Fn::GetAtt', target.resource, scope));
    return;
  }
  if (target.attribute === undefined || isLoopText(target.attribute)) return;
  const problem = checkAttribute(resource.type, target.attribute, scope.spec);
  if (problem) yield error(path, `Fn::GetAtt ${target.resource}.${target.attribute}: ${problem}`);
}

function* checkSub(
  argument: unknown,
  path: TemplatePathSegment[],
  scope: ReferenceScope,
): Generator<RuleFinding> {
  const parts = subParts(argument);
  if (!parts) return;
  for (const variable of subVariables(parts.text)) {
    if (parts.variableNames.has(variable.text) || parts.variableNames.has(variable.name)) continue;
    if (variable.name.startsWith('Rain::')) continue; // rain constants: the rain-directive rule's business
    if (variable.attribute === undefined) {
      if (isParameterLike(variable.name, scope) || scope.names.findResource(variable.name)) continue;
      const fallback = `declare it, or write \${!${variable.text}} for a literal \${${variable.text}}.`;
      const fix = suggestion(variable.name, [...candidates(scope), ...parts.variableNames], fallback);
      yield error(
        path,
        `Fn::Sub variable \${${variable.text}} names no parameter, resource, pseudo parameter or variable-map key; ${fix}`,
      );
      continue;
    }
    yield* checkSubAttribute(variable.name, variable.attribute, path, scope);
  }
}

function* checkSubAttribute(
  name: string,
  attribute: string,
  path: TemplatePathSegment[],
  scope: ReferenceScope,
): Generator<RuleFinding> {
  const resource = scope.names.findResource(name);
  if (!resource) {
    yield error(path, unknownResourceMessage(`Fn::Sub variable \${${name}.${attribute}}`, name, scope));
    return;
  }
  const problem = checkAttribute(resource.type, attribute, scope.spec);
  if (problem) yield error(path, `Fn::Sub variable \${${name}.${attribute}}: ${problem}`);
}

function unknownResourceMessage(what: string, name: string, scope: ReferenceScope): string {
  if (scope.names.parameters.has(name) || pseudoParameters.has(name)) {
    return `${what} names '${name}', which is a parameter and has no attributes; use Ref ${name} instead.`;
  }
  const hint = suggestion(name, scope.names.declaredResources, 'declare the resource or fix the name.');
  return `${what} names '${name}', which is not a resource; ${hint}`;
}

function isParameterLike(name: string, scope: ReferenceScope): boolean {
  return scope.names.parameters.has(name) || pseudoParameters.has(name) || scope.loopIdentifiers.has(name);
}

/** Inside an `Fn::ForEach` body, names built from `${Identifier}` are only known once the loop runs. */
function isLoopText(text: string): boolean {
  return text.includes('${') || text.includes('&{');
}

function candidates(scope: ReferenceScope): string[] {
  const resources = scope.parametersOnly ? [] : [...scope.names.declaredResources];
  return [...scope.names.parameters, ...resources, ...pseudoParameters, ...scope.loopIdentifiers];
}

function error(path: readonly TemplatePathSegment[], message: string): RuleFinding {
  return { severity: 'error', message, path };
}
