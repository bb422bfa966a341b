import type { RuleFinding } from '../template-finding.ts';
import type { TemplateRule } from '../template-rule.ts';
import { type PolicyDocument, policyDocuments } from './iam-wildcard-documents.ts';
import {
  hasNarrowingCondition,
  isAllow,
  isEveryone,
  isEveryResource,
  type PolicyStatement,
  policyStatements,
  someEntry,
} from './iam-wildcard-statements.ts';

/**
 * Policy statements that allow far too much, by how much harm they allow:
 *
 * - errors: `Action: '*'` on every resource (`*`, `arn:aws:*:*:*:*`) in an identity policy (IAM Policy,
 *   ManagedPolicy, the inline `Policies` of roles, users and groups, and policy documents among a SAM
 *   function's or state machine's `Policies`) makes the principal a full administrator, IAM included, so it
 *   can grant itself anything else: a reviewer would refuse it (attach the AdministratorAccess managed
 *   policy deliberately if that really is the intent). A role trust policy that lets everyone (`*`,
 *   `{AWS: '*'}`) assume the role without a Condition that limits who hands the role to every AWS account.
 * - warnings: the same `*` on `*` in a resource policy (bucket, topic, queue, key, secret) is bounded by the
 *   one resource. `iam:*` on every resource is one step from administrator (the holder can attach any
 *   policy to itself) but is also what deployment roles legitimately hold. `Action: '*'` with `NotResource`,
 *   and `NotAction`, each grant everything but a list, which quietly includes whatever AWS adds later.
 */
export const iamWildcardRule: TemplateRule = {
  name: 'iam-wildcard',
  summary:
    'Policies do not allow every action (or iam:*) on every resource, use NotAction or NotResource with Allow, or let anyone assume a role.',
  *check({ template }) {
    for (const document of policyDocuments(template)) {
      for (const statement of policyStatements(document.document, document.path)) {
        if (!isAllow(statement.statement)) continue;
        if (document.kind === 'trust') yield* checkTrustStatement(statement);
        else yield* checkStatement(statement, document);
      }
    }
  },
};

function* checkStatement(
  { statement, path }: PolicyStatement,
  document: PolicyDocument,
): Generator<RuleFinding> {
  const everyResource = someEntry(statement.Resource, isEveryResource);
  if (everyResource && someEntry(statement.Action, (action) => action === '*')) {
    yield {
      severity: document.kind === 'identity' ? 'error' : 'warning',
      message:
        document.kind === 'identity'
          ? 'This statement allows every action on every resource (full administrator, IAM included); list the actions and resources it needs.'
          : 'This resource policy statement allows every action; list the actions its principals need.',
      path: [...path, 'Action'],
    };
  } else if (everyResource && document.kind === 'identity' && someEntry(statement.Action, isAllOfIam)) {
    yield {
      severity: 'warning',
      message:
        'This statement allows iam:* on every resource, so its holder can attach any policy to itself and become administrator; list the IAM actions and the roles or policies it needs.',
      path: [...path, 'Action'],
    };
  }
  yield* checkNegations({ statement, path });
}

/** `NotAction` and `NotResource` with Allow grant everything but a list. */
function* checkNegations({ statement, path }: PolicyStatement): Generator<RuleFinding> {
  if (Object.hasOwn(statement, 'NotResource') && someEntry(statement.Action, (action) => action === '*')) {
    yield {
      severity: 'warning',
      message:
        'This statement allows every action on every resource except those in NotResource, including resources created later; list the actions and resources it needs.',
      path: [...path, 'NotResource'],
    };
  }
  if (Object.hasOwn(statement, 'NotAction')) {
    yield {
      severity: 'warning',
      message:
        'NotAction with Allow grants every action except those listed, including any AWS adds later; list the allowed actions in Action instead.',
      path: [...path, 'NotAction'],
    };
  }
}

/** Anyone may assume the role unless a Condition limits who (a TLS requirement does not). */
function* checkTrustStatement({ statement, path }: PolicyStatement): Generator<RuleFinding> {
  if (!isEveryone(statement.Principal) || hasNarrowingCondition(statement)) return;
  yield {
    severity: 'error',
    message:
      'This trust policy lets any AWS principal, in any account, assume the role; name the accounts, roles or services that may, or add a Condition that limits who (sts:ExternalId, aws:PrincipalOrgID …).',
    path: [...path, 'Principal'],
  };
}

/** `iam:*`, in any letter case (action names are case-insensitive). */
function isAllOfIam(action: unknown): boolean {
  return typeof action === 'string' && action.toLowerCase() === 'iam:*';
}
