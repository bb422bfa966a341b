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
    for (const [logicalId, resource] of context.template.resources) {
      if (typeof resource.Type !== 'string') continue;
      yield* checkType(context, logicalId, resource.Type, macros);
    }
  },
};

function* checkType(
  context: RuleContext,
  logicalId: string,
  type: string,
  macros: readonly string[],
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
  yield unknownType(context.spec.resourceTypeNames(), type, macros, path);
}

function unknownType(
  names: readonly string[],
  type: string,
  macros: readonly string[],
  path: readonly string[],
): RuleFinding {
  if (type.endsWith('::MODULE') || !/^(AWS|Alexa)::/.test(type))
    return {
      severity: 'warning',
      message: `${type} is not a public AWS type (a registry extension or module?); it must be activated in the account, and its properties are not checked.`,
      path,
    };
  if (macros.length > 0)
    return {
      severity: 'warning',
      message: `${type} is not in the CloudFormation resource specification; the macro ${macros.join(', ')} may replace it, so this is only a warning.`,
      path,
    };
  const suggestion = similarTypes(type, names);
  return {
    severity: 'error',
    message: `${type} is not a CloudFormation resource type${suggestion.length > 0 ? `; did you mean ${suggestion.join(' or ')}?` : '.'}`,
    path,
  };
}

/** A close spelling (`AWS::S3::Buckett`), else types sharing the last part (`AWS::EC2::Bucket` → `AWS::S3::Bucket`). */
function similarTypes(type: string, names: readonly string[]): string[] {
  const closest = closestName(type, names);
  if (closest !== undefined) return [closest];
  const lastPart = type.toLowerCase().split('::').pop() ?? '';
  return names.filter((name) => name.toLowerCase().endsWith(`::${lastPart}`)).slice(0, 3);
}
