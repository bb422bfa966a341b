import type { TemplateFinding } from '../cloud/template/template-finding.ts';
import type { TemplateFileReport } from '../cloud/template/validate-template-file.ts';

/** One finding as a line: position, severity, path, message and rule, like other linters print them. */
export function formatFinding(finding: TemplateFinding): string {
  const position = finding.line === undefined ? '-' : `${finding.line}:${finding.column ?? 1}`;
  const where = finding.path === '' ? '' : `  ${finding.path}`;
  return `  ${position.padEnd(8)}${finding.severity.padEnd(9)}${finding.message}${where}  [${finding.rule}]`;
}

/** Every file with findings under its name, then a one-line total. */
export function formatTemplateReports(reports: readonly TemplateFileReport[]): string {
  const blocks: string[] = [];
  for (const report of reports) {
    if (report.unreadable) {
      blocks.push(`${report.file}\n  cannot read it: ${report.unreadable}`);
      continue;
    }
    const findings = [...report.errors, ...report.warnings].sort(
      (left, right) => (left.line ?? 0) - (right.line ?? 0),
    );
    if (findings.length > 0) blocks.push([report.file, ...findings.map(formatFinding)].join('\n'));
  }
  blocks.push(summaryLine(reports));
  return `${blocks.join('\n\n')}\n`;
}

function summaryLine(reports: readonly TemplateFileReport[]): string {
  const errors = reports.reduce((sum, report) => sum + report.errors.length, 0);
  const warnings = reports.reduce((sum, report) => sum + report.warnings.length, 0);
  const failing = reports.filter((report) => report.errors.length > 0).length;
  const unreadable = reports.filter((report) => report.unreadable).length;
  const files = `${reports.length} file${reports.length === 1 ? '' : 's'}`;
  const parts = [
    `${plural(errors, 'error')} in ${failing} of ${files}`,
    plural(warnings, 'warning'),
    ...(unreadable > 0 ? [`${unreadable} unreadable`] : []),
  ];
  return `${errors === 0 && unreadable === 0 ? '✔' : '✖'} ${parts.join(', ')}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
