import { open } from 'node:fs/promises';
import { maxTemplateBytes } from './parse-template.ts';
import type { ResourceSpecification } from './resource-specification.ts';
import type { TemplateFinding } from './template-finding.ts';
import { tooLargeFinding, validateTemplateText } from './validate-template.ts';

/** One file's findings, as `quarry cloud validate --json` prints them. */
export interface TemplateFileReport {
  file: string;
  errors: TemplateFinding[];
  warnings: TemplateFinding[];
  /** Set when the file could not be read at all (missing, a folder, no permission, not text). */
  unreadable?: string;
}

/**
 * Reads and validates one template file. A file over 1 MB is reported without being read; a file that
 * cannot be read, or is not UTF-8 text, comes back with `unreadable` set rather than an exception, so one
 * bad path does not hide the findings of the others.
 */
export async function validateTemplateFile(
  file: string,
  spec: ResourceSpecification,
): Promise<TemplateFileReport> {
  const read = await readTemplateText(file);
  if ('unreadable' in read) return { file, errors: [], warnings: [], unreadable: read.unreadable };
  if ('tooLarge' in read) return { file, errors: [tooLargeFinding(read.tooLarge)], warnings: [] };
  try {
    return { file, ...validateTemplateText(read.text, spec) };
  } catch (error) {
    // A fault in one rule must not lose the reports of every other file in the run.
    const reason = error instanceof Error ? error.message : String(error);
    return {
      file,
      errors: [
        {
          rule: 'template-syntax',
          severity: 'error',
          message: `Quarry could not check this template: ${reason}`,
          path: '',
        },
      ],
      warnings: [],
    };
  }
}

async function readTemplateText(
  file: string,
): Promise<{ text: string } | { tooLarge: number } | { unreadable: string }> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    return { unreadable: describeReadError(error) };
  }
  try {
    const { size, isFile } = await handle
      .stat()
      .then((stats) => ({ size: stats.size, isFile: stats.isFile() }));
    if (!isFile) return { unreadable: 'it is not a regular file' };
    if (size > maxTemplateBytes) return { tooLarge: size };
    const bytes = await handle.readFile();
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    if (text.includes('\u0000')) return { unreadable: 'it is a binary file, not a YAML or JSON template' };
    return { text };
  } catch (error) {
    if (error instanceof TypeError) return { unreadable: 'it is not UTF-8 text' };
    return { unreadable: describeReadError(error) };
  } finally {
    await handle.close();
  }
}

function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder';
  return code ?? 'it cannot be read';
}
