import type { TemplateFinding } from '../template/template-finding.ts';

/** What the model is told before every template request. */
export const templateSystemPrompt = [
  'You are an AWS CloudFormation expert. You write complete, deployable CloudFormation templates in YAML.',
  'Rules:',
  "- Start with AWSTemplateFormatVersion: '2010-09-09' and a Description; use Parameters for anything the deployer chooses (sizes, CIDRs, key pairs), with sensible defaults.",
  '- Use only real resource types and property names from the CloudFormation resource specification; short forms such as !Ref, !Sub and !GetAtt are fine.',
  '- Be safe by default: encrypt data at rest (S3, EBS, RDS, DynamoDB), block public S3 access, never open SSH (22) or RDP (3389) to 0.0.0.0/0, no IAM statements allowing * actions on * resources, and a DeletionPolicy on resources that hold data.',
  '- Never put secrets in the template: use NoEcho parameters or AWS Secrets Manager dynamic references.',
  '- Add Outputs for what the deployer needs (endpoints, ids, URLs).',
  'Reply with the whole template in a single ```yaml fenced block, followed by at most three sentences on the assumptions you made.',
].join('\n');

/** The first request: the user's words, and a note when a diagram is attached. */
export function firstRequestText(request: string, hasDiagram: boolean): string {
  const diagram = hasDiagram
    ? 'The attached image is an architecture diagram: build the template for the architecture it shows, using the request below for anything the picture leaves open.\n\n'
    : '';
  return `${diagram}Write a CloudFormation template for this request:\n\n${request}`;
}

/** The follow-up after a round whose template had problems: every finding, with line and rule. */
export function repairRequestText(
  errors: readonly TemplateFinding[],
  warnings: readonly TemplateFinding[],
): string {
  const lines = [
    `The template you wrote fails validation with ${errors.length} error${errors.length === 1 ? '' : 's'}:`,
    ...errors.map(describeFinding),
  ];
  if (warnings.length > 0)
    lines.push('', 'Fix these warnings too where you can:', ...warnings.map(describeFinding));
  lines.push('', 'Reply with the complete corrected template in a single ```yaml block.');
  return lines.join('\n');
}

/** The follow-up when a reply held no template. */
export const noTemplateRequestText =
  'Your reply held no YAML template. Reply with the complete CloudFormation template in a single ```yaml block.';

function describeFinding(finding: TemplateFinding): string {
  const where =
    finding.line === undefined ? finding.path : `line ${finding.line} (${finding.path || 'template'})`;
  return `- [${finding.rule}] ${where}: ${finding.message}`;
}
