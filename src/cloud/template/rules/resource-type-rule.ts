import type { RuleFinding } from '../template-finding.ts';
import type { RuleContext, TemplateRule } from '../template-rule.ts';
import { awsTransforms } from '../template-view.ts';
import { closestName } from './closest-name.ts';

/**
 * Checks every resource type against the CloudFormation resource specification. Custom resources
 * (`Custom::…`) are accepted; types that need a transform (`AWS::Serverless::…`) are accepted when the
 * template declares it. A type unknown to the specification is an error for AWS's own namespaces and a
 * warning for others (private registry types and modules, which no public specification lists), and a
 * warning when a macro runs over the template (the macro may replace it).
 */
export const resourceTypeRule: TemplateRule = {
  name: 'resource-type',
  summary: 'resource types that exist in the CloudFormation resource specification',
  *check(context) {
    const macros = [...context.template.transforms].filter((name) => !awsTransforms.has(name));
    // A generated template may repeat one unknown type thousands of times; each is looked up once.
    const state: RunState = { macros, suggestions: new Map() };
    for (const [logicalId, resource] of context.template.resources) {
      if (typeof resource.Type !== 'string') continue;
      yield* checkType(context, logicalId, resource.Type, state);
    }
  },
};

/** What one run of the rule shares between resources. */
interface RunState {
  macros: readonly string[];
  /** {@link similarTypes} of each unknown type met so far. */
  suggestions: Map<string, string[]>;
  /** The known types by the last part of their name, lower case; built at the first unknown type. */
  typesByLastPart?: Map<string, string[]>;
}

function* checkType(
  context: RuleContext,
  logicalId: string,
  type: string,
  state: RunState,
): Iterable<RuleFinding> {
  const path = ['Resources', logicalId, 'Type'];
  if (type.startsWith('Custom::') && type.length > 'Custom::'.length) return;
  const known = context.spec.resourceType(type);
  if (known) {
    if (known.transform && !context.template.transforms.has(known.transform))
      yield {
        severity: 'error',
        message: `${type} needs the ${known.transform} transform: add \`Transform: ${known.transform}\` at the top of the template.`,
        path,
      };
    return;
  }
  yield unknownType(context.spec.resourceTypeNames(), type, state, path);
}

function unknownType(
  names: readonly string[],
  type: string,
  state: RunState,
  path: readonly string[],
): RuleFinding {
  if (type.endsWith('::MODULE') || !/^(AWS|Alexa)::/.test(type))
    return {
      severity: 'warning',
      message: `${type} is not a public AWS type (a registry extension or module?); it must be activated in the account, and its properties are not checked.`,
      path,
    };
  if (state.macros.length > 0)
    return {
      severity: 'warning',
      message: `${type} is not in the CloudFormation resource specification; the macro ${state.macros.join(', ')} may replace it, so this is only a warning.`,
      path,
    };
  let suggestion = state.suggestions.get(type);
  if (suggestion === undefined) {
    suggestion = similarTypes(type, names, state);
    state.suggestions.set(type, suggestion);
  }
  return {
    severity: 'error',
    message: `${type} is not a CloudFormation resource type${suggestion.length > 0 ? `; did you mean ${suggestion.join(' or ')}?` : '.'}`,
    path,
  };
}

/** A close spelling (`AWS::S3::Buckett`), else types sharing the last part (`AWS::EC2::Bucket` → `AWS::S3::Bucket`). */
function similarTypes(type: string, names: readonly string[], state: RunState): string[] {
  const closest = closestName(type, names);
  if (closest !== undefined) return [closest];
  state.typesByLastPart ??= groupByLastPart(names);
  return (state.typesByLastPart.get(lastPart(type)) ?? []).slice(0, 3);
}

function groupByLastPart(names: readonly string[]): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const name of names) {
    const key = lastPart(name);
    const group = groups.get(key);
    if (group) group.push(name);
    else groups.set(key, [name]);
  }
  return groups;
}

/** `bucket` for `AWS::S3::Bucket`. */
function lastPart(type: string): string {
  return type.toLowerCase().split('::').pop() ?? '';
}
