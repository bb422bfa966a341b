import { conditionsAndMappingsRule } from './rules/conditions-and-mappings-rule.ts';
import { deletionPolicyRule } from './rules/deletion-policy-rule.ts';
import { dependsOnRule } from './rules/depends-on-rule.ts';
import { encryptionAtRestRule } from './rules/encryption-at-rest-rule.ts';
import { iamWildcardRule } from './rules/iam-wildcard-rule.ts';
import { outputsRule } from './rules/outputs-rule.ts';
import { propertyTypesRule } from './rules/property-types-rule.ts';
import { rainDirectiveRule } from './rules/rain-directive-rule.ts';
import { referencesRule } from './rules/references-rule.ts';
import { resourcePropertiesRule } from './rules/resource-properties-rule.ts';
import { resourceTypeRule } from './rules/resource-type-rule.ts';
import { s3PublicAccessRule } from './rules/s3-public-access-rule.ts';
import { securityGroupOpenAdminPortsRule } from './rules/security-group-open-admin-ports-rule.ts';
import { templateStructureRule } from './rules/template-structure-rule.ts';
import type { TemplateRule } from './template-rule.ts';

/**
 * Rules about what a template does rather than whether CloudFormation can read it: their findings keep
 * their severity even when a macro rewrites the template.
 */
export const safetyRules: ReadonlySet<string> = new Set([
  's3-public-access',
  'encryption-at-rest',
  'iam-wildcard',
  'security-group-open-admin-ports',
  'deletion-policy',
]);

/** Every rule `quarry cloud validate` runs, in the order their findings are produced. */
export const templateRules: readonly TemplateRule[] = [
  templateStructureRule,
  rainDirectiveRule,
  resourceTypeRule,
  resourcePropertiesRule,
  propertyTypesRule,
  referencesRule,
  conditionsAndMappingsRule,
  dependsOnRule,
  outputsRule,
  s3PublicAccessRule,
  encryptionAtRestRule,
  iamWildcardRule,
  securityGroupOpenAdminPortsRule,
  deletionPolicyRule,
];
