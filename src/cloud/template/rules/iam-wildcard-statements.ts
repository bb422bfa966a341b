import type { TemplatePathSegment } from '../template-finding.ts';
import { intrinsicName, isMapping, type TemplateMapping } from '../template-view.ts';

/** A statement of a policy document. */
export interface PolicyStatement {
  statement: TemplateMapping;
  path: readonly TemplatePathSegment[];
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

/** True for a Principal that is everyone: `*`, or `{AWS: '*'}` (alone or in a list). */
export function isEveryone(principal: unknown): boolean {
  if (principal === '*') return true;
  if (!isMapping(principal)) return false;
  return literalStrings(principal.AWS)?.includes('*') ?? false;
}

/**
 * An ARN whose service, region, account and resource are all `*` (`arn:aws:*:*:*:*`, `arn:*:*:*:*:*`)
 * matches every resource, just as `*` does. `Fn::Sub` with `${AWS::Partition}` for the partition counts too.
 */
export function isEveryResource(resource: unknown): boolean {
  const text = subText(resource) ?? resource;
  return text === '*' || (typeof text === 'string' && /^arn:[^:]*:\*:\*:\*:\*$/.test(text));
}

/** The text of an `Fn::Sub` whose only variable is the partition, with the variable put in. */
function subText(value: unknown): string | undefined {
  if (intrinsicName(value) !== 'Fn::Sub') return undefined;
  const text = (value as TemplateMapping)['Fn::Sub'];
  if (typeof text !== 'string') return undefined;
  // biome-ignore lint/suspicious/noTemplateCurlyInString: Fn::Sub's own ${} syntax, not a JavaScript template.
  const resolved = text.replaceAll('${AWS::Partition}', 'aws');
  return resolved.includes('${') ? undefined : resolved;
}

/**
 * True when `value` (a statement's Action or Resource: one entry or a list) has an entry that `test`
 * accepts. Computed entries are skipped; a literal `*` beside them still grants everything.
 */
export function someEntry(value: unknown, test: (entry: unknown) => boolean): boolean {
  return Array.isArray(value) ? value.some(test) : test(value);
}

/**
 * Condition keys that say how a request travels, not who sends it: a statement for everyone that only
 * requires TLS (the common `aws:SecureTransport: true`) is still for everyone.
 */
const transportKeys: ReadonlySet<string> = new Set(['aws:securetransport', 's3:tlsversion']);

/**
 * True when the statement has a Condition that may limit who it applies to: any condition key other than
 * the transport ones. A Condition computed by an intrinsic function may limit anything, so it counts.
 */
export function hasNarrowingCondition(statement: TemplateMapping): boolean {
  if (!Object.hasOwn(statement, 'Condition')) return false;
  const condition = statement.Condition;
  if (!isMapping(condition) || intrinsicName(condition) !== undefined) return true;
  return Object.values(condition).some(
    (keys) =>
      !isMapping(keys) ||
      intrinsicName(keys) !== undefined ||
      Object.keys(keys).some((key) => !transportKeys.has(key.toLowerCase())),
  );
}
