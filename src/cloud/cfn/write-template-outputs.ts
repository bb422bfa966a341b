import { rename, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { GeneratedTemplate } from './generate-template.ts';
import { formatGenerationReport } from './generation-report.ts';

/** Where {@link writeTemplateOutputs} put things. */
export interface WrittenTemplate {
  /** The template file: `out` itself when valid, else the draft beside it. */
  templateFile?: string;
  reportFile: string;
}

/**
 * Writes a generated template and its Markdown report next to `out`. Only a valid template goes to `out`;
 * one that still has errors goes to `<name>.draft<ext>` with a warning comment on top, so a script that
 * deploys `out` never picks up a broken template (and an older, good `out` is left alone). Each file is
 * written to a temporary name and renamed, so none is ever half-written.
 */
export async function writeTemplateOutputs(
  out: string,
  generated: GeneratedTemplate,
): Promise<WrittenTemplate> {
  const extension = path.extname(out);
  const base = out.slice(0, out.length - extension.length);
  const reportFile = `${base}.report.md`;
  let templateFile: string | undefined;
  if (generated.template !== undefined) {
    const valid = generated.status === 'valid';
    templateFile = valid ? out : `${base}.draft${extension || '.yaml'}`;
    await writeWhole(
      templateFile,
      valid ? generated.template : `${draftBanner(generated)}${generated.template}`,
    );
  }
  await writeWhole(reportFile, formatGenerationReport(generated, templateFile));
  return { ...(templateFile ? { templateFile } : {}), reportFile };
}

/** The comment that heads a template still having errors: a YAML comment, so the file stays readable. */
export function draftBanner(generated: GeneratedTemplate): string {
  const count = generated.report.errors.length;
  return `# DRAFT written by Quarry: ${count} validation error${count === 1 ? '' : 's'} remain (see the report). Do not deploy as is.\n`;
}

async function writeWhole(file: string, text: string): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, text);
    await rename(temporary, file);
  } finally {
    await rm(temporary, { force: true });
  }
}
