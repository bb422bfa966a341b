import type { TemplatePathSegment } from '../template-finding.ts';
import { isMapping, type TemplateMapping, type TemplateView } from '../template-view.ts';

/**
 * Identity policies grant their principal; resource policies say who may use one resource; trust policies
 * say who may assume a role.
 */
export type PolicyKind = 'identity' | 'resource' | 'trust';

/** A policy document in a template, where it is and what kind it is. */
export interface PolicyDocument {
  document: unknown;
  path: readonly TemplatePathSegment[];
  kind: PolicyKind;
}

/** Where each resource type keeps a policy document of its own. */
const documentPlaces: readonly { type: string; property: string; kind: PolicyKind }[] = [
  { type: 'AWS::IAM::Policy', property: 'PolicyDocument', kind: 'identity' },
  { type: 'AWS::IAM::ManagedPolicy', property: 'PolicyDocument', kind: 'identity' },
  { type: 'AWS::IAM::RolePolicy', property: 'PolicyDocument', kind: 'identity' },
  { type: 'AWS::IAM::UserPolicy', property: 'PolicyDocument', kind: 'identity' },
  { type: 'AWS::IAM::GroupPolicy', property: 'PolicyDocument', kind: 'identity' },
  { type: 'AWS::IAM::Role', property: 'AssumeRolePolicyDocument', kind: 'trust' },
  { type: 'AWS::Serverless::Function', property: 'AssumeRolePolicyDocument', kind: 'trust' },
  { type: 'AWS::S3::BucketPolicy', property: 'PolicyDocument', kind: 'resource' },
  { type: 'AWS::SNS::TopicPolicy', property: 'PolicyDocument', kind: 'resource' },
  { type: 'AWS::SQS::QueuePolicy', property: 'PolicyDocument', kind: 'resource' },
  { type: 'AWS::KMS::Key', property: 'KeyPolicy', kind: 'resource' },
  { type: 'AWS::SecretsManager::ResourcePolicy', property: 'ResourcePolicy', kind: 'resource' },
];

/** Types with a list of inline identity policies, `Policies: [{PolicyName, PolicyDocument}]`. */
const inlinePolicyTypes: ReadonlySet<string> = new Set([
  'AWS::IAM::Role',
  'AWS::IAM::User',
  'AWS::IAM::Group',
]);

/**
 * SAM types whose `Policies` become the inline policies of the role SAM creates: a managed policy name, a
 * SAM policy template (`{S3ReadPolicy: …}`) or a policy document, alone or in a list.
 */
const serverlessPolicyTypes: ReadonlySet<string> = new Set([
  'AWS::Serverless::Function',
  'AWS::Serverless::StateMachine',
]);

/** Every policy document written as a mapping in the template's resources. */
export function* policyDocuments(template: TemplateView): Generator<PolicyDocument> {
  for (const [name, resource] of template.resources) {
    const properties = resource.Properties;
    if (typeof resource.Type !== 'string' || !isMapping(properties)) continue;
    const path = ['Resources', name, 'Properties'];
    for (const place of documentPlaces) {
      if (place.type !== resource.Type || !Object.hasOwn(properties, place.property)) continue;
      yield { document: properties[place.property], path: [...path, place.property], kind: place.kind };
    }
    if (inlinePolicyTypes.has(resource.Type)) yield* inlinePolicies(properties, path);
    if (serverlessPolicyTypes.has(resource.Type)) yield* serverlessPolicies(properties.Policies, path);
  }
}

function* inlinePolicies(
  properties: TemplateMapping,
  path: TemplatePathSegment[],
): Generator<PolicyDocument> {
  if (!Array.isArray(properties.Policies)) return;
  for (const [index, policy] of properties.Policies.entries()) {
    if (!isMapping(policy)) continue;
    yield {
      document: policy.PolicyDocument,
      path: [...path, 'Policies', index, 'PolicyDocument'],
      kind: 'identity',
    };
  }
}

/** The policy documents among a SAM resource's `Policies`: the mappings with a `Statement`. */
function* serverlessPolicies(policies: unknown, path: TemplatePathSegment[]): Generator<PolicyDocument> {
  const policiesPath = [...path, 'Policies'];
  const entries: [unknown, TemplatePathSegment[]][] = Array.isArray(policies)
    ? policies.map((policy, index) => [policy, [...policiesPath, index]])
    : [[policies, policiesPath]];
  for (const [policy, policyPath] of entries) {
    if (isMapping(policy) && Object.hasOwn(policy, 'Statement'))
      yield { document: policy, path: policyPath, kind: 'identity' };
  }
}
