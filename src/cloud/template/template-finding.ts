/** How bad a finding is: errors make a template unusable (or unsafe to deploy); warnings deserve a look. */
export type FindingSeverity = 'error' | 'warning';

/** A step into a template: a mapping key or a list index. */
export type TemplatePathSegment = string | number;

/** What a rule reports, before the validator adds the rule's name and the source position. */
export interface RuleFinding {
  severity: FindingSeverity;
  /** One sentence saying what is wrong and, where it helps, what to write instead. */
  message: string;
  /** Where in the template, e.g. `['Resources', 'Bucket', 'Properties', 'BucketName']`. */
  path: readonly TemplatePathSegment[];
}

/** One problem found in a template, as `quarry cloud validate --json` prints it. */
export interface TemplateFinding {
  /** The rule that found it, e.g. `resource-type`. */
  rule: string;
  severity: FindingSeverity;
  message: string;
  /** Slash-separated template path, e.g. `Resources/Bucket/Properties/BucketName`. */
  path: string;
  /** 1-based line and column of the value in the file, when known. */
  line?: number;
  column?: number;
}

/** Joins a template path the way findings show it. */
export function formatTemplatePath(path: readonly TemplatePathSegment[]): string {
  return path.map(String).join('/');
}
