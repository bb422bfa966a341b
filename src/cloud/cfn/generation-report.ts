import type { TemplateFinding } from '../template/template-finding.ts';
import type { GeneratedTemplate, GenerationStatus } from './generate-template.ts';

const statusLines: Record<GenerationStatus, string> = {
  valid: 'The template passed validation.',
  'errors-remain':
    'The template still has errors after every repair round: it is a draft, not ready to deploy.',
  repeating:
    'The model returned the same errors twice, so repairs stopped: the template is a draft, not ready to deploy.',
  'no-template': 'The model never returned a template.',
};

/** A Markdown report of a generation: outcome, rounds, what was fixed, what remains. */
export function formatGenerationReport(
  generated: GeneratedTemplate,
  templateFile: string | undefined,
): string {
  const lines = ['# CloudFormation generation report', '', statusLines[generated.status]];
  if (templateFile) lines.push('', `Template: \`${templateFile}\``);
  lines.push('', '## Rounds', '', '| round | template | errors | warnings |', '|---|---|---|---|');
  for (const round of generated.rounds) {
    lines.push(
      `| ${round.round === 0 ? 'first answer' : `repair ${round.round}`} | ${round.template ? 'yes' : 'none'} | ${round.errors.length} | ${round.warnings.length} |`,
    );
  }
  lines.push('', '## Fixed along the way', '', ...findingList(generated.fixed));
  lines.push('', '## Remaining errors', '', ...findingList(generated.report.errors));
  lines.push('', '## Remaining warnings', '', ...findingList(generated.report.warnings));
  return `${lines.join('\n')}\n`;
}

function findingList(findings: readonly TemplateFinding[]): string[] {
  if (findings.length === 0) return ['None.'];
  return findings.map(
    (finding) =>
      `- \`${finding.rule}\`${finding.line === undefined ? '' : ` line ${finding.line}`} ${finding.path}: ${finding.message}`,
  );
}
