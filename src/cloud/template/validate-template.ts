import { maxTemplateBytes, type ParsedTemplate, parseTemplate } from './parse-template.ts';
import type { ResourceSpecification } from './resource-specification.ts';
import { formatTemplatePath, type TemplateFinding } from './template-finding.ts';
import type { TemplateRule } from './template-rule.ts';
import { safetyRules, templateRules } from './template-rules.ts';
import { awsTransforms, isMapping, type TemplateView, viewTemplate, walkValues } from './template-view.ts';

/** What validation found, errors and warnings apart, each in file order. */
export interface TemplateReport {
  errors: TemplateFinding[];
  warnings: TemplateFinding[];
}

/** Options of {@link validateTemplate}. */
export interface ValidateOptions {
  /** The rules to run; default every rule Quarry has. */
  rules?: readonly TemplateRule[];
  /**
   * No leniency for templates a macro or rain rewrites: errors stay errors, and using such a pre-processor
   * is an error itself. For templates Quarry generates, which must be deployable as they are.
   */
  strict?: boolean;
}

/** Runs every rule over a parsed template. */
export function validateTemplate(
  template: ParsedTemplate,
  spec: ResourceSpecification,
  options: ValidateOptions = {},
): TemplateReport {
  const context = { template: viewTemplate(template.body), spec };
  const rewriter = preprocessor(context.template);
  const findings: TemplateFinding[] = [];
  if (rewriter !== undefined && options.strict) {
    findings.push({
      rule: 'template-structure',
      severity: 'error',
      message: `${rewriter} rewrites this template before CloudFormation reads it, so its result cannot be checked; write plain CloudFormation instead.`,
      path: '',
    });
  }
  const lenient = rewriter !== undefined && !options.strict;
  for (const rule of options.rules ?? templateRules) {
    for (const finding of rule.check(context)) {
      const softened = lenient && finding.severity === 'error' && !safetyRules.has(rule.name);
      findings.push({
        rule: rule.name,
        severity: softened ? 'warning' : finding.severity,
        message: softened
          ? `${finding.message} (${rewriter} rewrites the template before CloudFormation reads it, so this may not stand.)`
          : finding.message,
        path: formatTemplatePath(finding.path),
        ...template.locate(finding.path),
      });
    }
  }
  findings.sort(
    (left, right) => (left.line ?? 0) - (right.line ?? 0) || (left.column ?? 0) - (right.column ?? 0),
  );
  return {
    errors: findings.filter((finding) => finding.severity === 'error'),
    warnings: findings.filter((finding) => finding.severity === 'warning'),
  };
}

/**
 * A macro (a transform that is not one of AWS's) or rain's pre-processor changes a template before
 * CloudFormation sees it, so what looks wrong in the source may be right after: errors become warnings.
 */
function preprocessor(template: TemplateView): string | undefined {
  const macros = [...template.transforms].filter((name) => !awsTransforms.has(name));
  if (macros.length > 0) return `the macro ${macros.join(', ')}`;
  if (hasRainDirective(template.body)) return 'rain pkg';
  return undefined;
}

/** A `Rain::…` key (what a `!Rain::…` tag becomes), not merely the word in some string. */
function hasRainDirective(body: unknown): boolean {
  for (const { value } of walkValues(body, [])) {
    if (isMapping(value) && Object.keys(value).some((key) => key.startsWith('Rain::'))) return true;
  }
  return false;
}

/**
 * Parses and validates a template's text. Text that is not YAML or JSON, has duplicate keys or is empty
 * gives `template-syntax` errors with the line and column of each problem.
 */
export function validateTemplateText(
  text: string,
  spec: ResourceSpecification,
  options: ValidateOptions = {},
): TemplateReport {
  const bytes = Buffer.byteLength(text);
  if (bytes > maxTemplateBytes) return { errors: [tooLargeFinding(bytes)], warnings: [] };
  const parsed = parseTemplate(text);
  if (parsed.ok) return validateTemplate(parsed.template, spec, options);
  return {
    errors: parsed.problems.map((problem) => ({
      rule: 'template-syntax',
      severity: 'error',
      message: problem.message,
      path: '',
      ...(problem.line === undefined ? {} : { line: problem.line, column: problem.column ?? 1 }),
    })),
    warnings: [],
  };
}

/** The finding for a template over CloudFormation's 1 MB limit. */
export function tooLargeFinding(bytes: number): TemplateFinding {
  return {
    rule: 'template-size',
    severity: 'error',
    message: `The template is ${bytes} bytes; CloudFormation accepts at most ${maxTemplateBytes} (1 MB). Split it into nested stacks.`,
    path: '',
  };
}
