import type { TemplatePathSegment } from '../template-finding.ts';
import { isMapping, type TemplateMapping, type TemplateView } from '../template-view.ts';

/** Identity policies grant their principal; resource policies say who may use one resource. */
export type PolicyKind = 'identity' | 'resource';

/** A policy document in a template, where it is and what kind it is. */
export interface PolicyDocument {
  document: unknown;
  path: readonly TemplatePathSegment[];
  kind: PolicyKind;
}

/** A statement of a policy document. */
export interface PolicyStatement {
  statement: TemplateMapping;
  path: readonly TemplatePathSegment[];
}

/** Where each resource type keeps its policy document. */
const documentProperties: ReadonlyMap<string, { property: string; kind: PolicyKind }> = new Map([
  ['AWS::IAM::Policy', { property: 'PolicyDocument', kind: 'identity' }],
  ['AWS::IAM::ManagedPolicy', { property: 'PolicyDocument', kind: 'identity' }],
  ['AWS::IAM::RolePolicy', { property: 'PolicyDocument', kind: 'identity' }],
  ['AWS::IAM::UserPolicy', { property: 'PolicyDocument', kind: 'identity' }],
  ['AWS::IAM::GroupPolicy', { property: 'PolicyDocument', kind: 'identity' }],
  ['AWS::S3::BucketPolicy', { property: 'PolicyDocument', kind: 'resource' }],
  ['AWS::SNS::TopicPolicy', { property: 'PolicyDocument', kind: 'resource' }],
  ['AWS::SQS::QueuePolicy', { property: 'PolicyDocument', kind: 'resource' }],
  ['AWS::KMS::Key', { property: 'KeyPolicy', kind: 'resource' }],
  ['AWS::SecretsManager::ResourcePolicy', { property: 'ResourcePolicy', kind: 'resource' }],
]);

/** Types with a list of inline identity policies, `Policies: [{PolicyName, PolicyDocument}]`. */
const inlinePolicyTypes: ReadonlySet<string> = new Set([
  'AWS::IAM::Role',
  'AWS::IAM::User',
  'AWS::IAM::Group',
]);

/** Every policy document written as a mapping in the template's resources. */
export function* policyDocuments(template: TemplateView): Generator<PolicyDocument> {
  for (const [name, resource] of template.resources) {
    const properties = resource.Properties;
    if (typeof resource.Type !== 'string' || !isMapping(properties)) continue;
    const path = ['Resources', name, 'Properties'];
    const place = documentProperties.get(resource.Type);
    if (place)
      yield { document: properties[place.property], path: [...path, place.property], kind: place.kind };
    if (!inlinePolicyTypes.has(resource.Type) || !Array.isArray(properties.Policies)) continue;
    for (const [index, policy] of properties.Policies.entries()) {
      if (!isMapping(policy)) continue;
      yield {
        document: policy.PolicyDocument,
        path: [...path, 'Policies', index, 'PolicyDocument'],
        kind: 'identity',
      };
    }
  }
}

/** The statements of a document (`Statement` may be one mapping or a list). */
export function policyStatements(document: unknown, path: readonly TemplatePathSegment[]): PolicyStatement[] {
  if (!isMapping(document)) return [];
  const statements = document.Statement;
  const statementPath = [...path, 'Statement'];
  if (isMapping(statements)) return [{ statement: statements, path: statementPath }];
  if (!Array.isArray(statements)) return [];
  return statements.flatMap((statement, index) =>
    isMapping(statement) ? [{ statement, path: [...statementPath, index] }] : [],
  );
}

/** A string or list of strings as a list; undefined when any part is computed (`Fn::If` …). */
export function literalStrings(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) return undefined;
  return value;
}

/** True when the statement allows (Effect is literally `Allow`). */
export function isAllow(statement: TemplateMapping): boolean {
  return statement.Effect === 'Allow';
}
