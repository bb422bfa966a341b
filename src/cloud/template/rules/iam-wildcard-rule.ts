import type { RuleFinding } from '../template-finding.ts';
import type { TemplateRule } from '../template-rule.ts';
import {
  isAllow,
  literalStrings,
  type PolicyDocument,
  type PolicyStatement,
  policyDocuments,
  policyStatements,
} from './iam-wildcard-statements.ts';

/**
 * Policy statements that allow everything. In an identity policy (IAM Policy, ManagedPolicy, and the inline
 * `Policies` of roles, users and groups), `Action: '*'` on `Resource: '*'` makes the principal a full
 * administrator, IAM included, so it can grant itself anything else: an error, as a reviewer would refuse
 * it (attach the AdministratorAccess managed policy deliberately if that really is the intent). In a
 * resource policy (bucket, topic, queue, key, secret) the same statement is bounded by the one resource,
 * so it is a warning. `NotAction` with `Allow` grants everything but a list, which quietly includes every
 * action AWS adds later: a warning.
 */
export const iamWildcardRule: TemplateRule = {
  name: 'iam-wildcard',
  summary: 'Policies do not allow every action on every resource, nor use NotAction with Allow.',
  *check({ template }) {
    for (const document of policyDocuments(template)) {
      for (const statement of policyStatements(document.document, document.path)) {
        if (isAllow(statement.statement)) yield* checkStatement(statement, document);
      }
    }
  },
};

function* checkStatement(
  { statement, path }: PolicyStatement,
  document: PolicyDocument,
): Generator<RuleFinding> {
  const actions = literalStrings(statement.Action);
  const resources = literalStrings(statement.Resource);
  if (actions?.includes('*') && resources?.includes('*')) {
    yield {
      severity: document.kind === 'identity' ? 'error' : 'warning',
      message:
        document.kind === 'identity'
          ? 'This statement allows every action on every resource (full administrator, IAM included); list the actions and resources it needs.'
          : 'This resource policy statement allows every action; list the actions its principals need.',
      path: [...path, 'Action'],
    };
  }
  if ('NotAction' in statement) {
    yield {
      severity: 'warning',
      message:
        'NotAction with Allow grants every action except those listed, including any AWS adds later; list the allowed actions in Action instead.',
      path: [...path, 'NotAction'],
    };
  }
}
