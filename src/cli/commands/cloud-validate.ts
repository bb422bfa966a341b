import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { Command } from 'commander';
import { loadResourceSpecification } from '../../cloud/template/aws-resource-specification.ts';
import {
  type TemplateFileReport,
  validateTemplateFile,
} from '../../cloud/template/validate-template-file.ts';
import { cacheFolder } from '../cache-folder.ts';
import type { CliIo } from '../cli-context.ts';
import { formatTemplateReports } from '../format-template-report.ts';

/** Exit codes of `quarry cloud validate`, as the issue fixes them: findings are 2, unreadable files 1. */
const validateExitCodes = { clean: 0, unreadable: 1, errorsFound: 2 } as const;

const templateExtensions = new Set(['.yaml', '.yml', '.json', '.template']);

/** Registers `quarry cloud validate`. */
export function registerCloudValidateCommand(
  cloud: Command,
  io: CliIo,
  setExitCode: (code: number) => void,
): void {
  cloud
    .command('validate')
    .description('check CloudFormation templates against the resource specification and safety rules')
    .argument(
      '<file...>',
      'template files (YAML or JSON), or folders to search for *.yaml, *.yml, *.json, *.template',
    )
    .option('--json', 'print [{file, errors: [{rule, severity, message, path, line, column}], warnings}]')
    .action(async (inputs: string[], options: { json?: boolean }) => {
      const files = await expandInputs(inputs.map((input) => path.resolve(io.cwd, input)));
      if (files.length === 0) {
        io.stderr(`No template files (*.yaml, *.yml, *.json, *.template) found in ${inputs.join(', ')}.\n`);
        setExitCode(validateExitCodes.unreadable);
        return;
      }
      const spec = await loadResourceSpecification({ cacheFolder: cacheFolder(io) });
      const reports: TemplateFileReport[] = [];
      for (const file of files) {
        const report = await validateTemplateFile(file, spec);
        reports.push({ ...report, file: path.relative(io.cwd, report.file) || report.file });
      }
      io.stdout(options.json ? `${JSON.stringify(reports, null, 2)}\n` : formatTemplateReports(reports));
      setExitCode(exitCodeOf(reports));
    });
}

function exitCodeOf(reports: readonly TemplateFileReport[]): number {
  if (reports.some((report) => report.unreadable)) return validateExitCodes.unreadable;
  if (reports.some((report) => report.errors.length > 0)) return validateExitCodes.errorsFound;
  return validateExitCodes.clean;
}

/** Files as given; folders replaced by the template files under them, in name order. */
async function expandInputs(inputs: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const input of inputs) {
    const isFolder = await stat(input).then(
      (stats) => stats.isDirectory(),
      () => false,
    );
    if (!isFolder) {
      files.push(input);
      continue;
    }
    const entries = await readdir(input, { recursive: true, withFileTypes: true });
    files.push(
      ...entries
        .filter((entry) => entry.isFile() && templateExtensions.has(path.extname(entry.name).toLowerCase()))
        .map((entry) => path.join(entry.parentPath, entry.name))
        .sort(),
    );
  }
  return files;
}
