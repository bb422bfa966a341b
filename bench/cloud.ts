// `npm run bench -- cloud`: validates every file of ../shared/datasets/aws-cloudformation-templates.tar.gz
// (real AWS sample templates, Apache-2.0) with Quarry's validator, against a baseline that only parses
// them with `yaml` in the same run; each runs in its own child process so peak RSS is its own. The end-to-
// end `quarry cloud validate <folder> --json` command is timed too. Reports templates/s, peak RSS, and
// every template that gets an error, with the rule and message, so false alarms can be told from real
// problems (target: all in under 10 s, errors on fewer than 2% of the templates).
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { extract } from 'tar';
import type { TemplateFileReport } from '../src/cloud/template/validate-template-file.ts';
import type { MutantTally } from './cloud-mutants.ts';

const dataset = path.resolve(
  import.meta.dirname,
  '../../shared/datasets/aws-cloudformation-templates.tar.gz',
);
const target = { seconds: 10, errorShare: 0.02 };
const run = promisify(execFile);

interface ChildResult {
  variant: string;
  files: number;
  durationMs: number;
  maxRssBytes: number;
  specLoadMs?: number;
  reports?: TemplateFileReport[];
  mutants?: MutantTally;
}

async function child(variant: string, files: string[]): Promise<ChildResult> {
  const script = path.join(import.meta.dirname, 'cloud-run.ts');
  const { stdout } = await run(process.execPath, ['--import', 'tsx', script, variant, ...files], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as ChildResult;
}

/** `quarry cloud validate <folder> --json`, start-up and all. */
async function endToEnd(folder: string): Promise<number> {
  const started = performance.now();
  await run(
    process.execPath,
    [path.resolve(import.meta.dirname, '../bin/quarry.js'), 'cloud', 'validate', folder, '--json'],
    {
      maxBuffer: 64 * 1024 * 1024,
    },
  ).catch((error: { code?: number }) => {
    // Exit 2 means "errors found", which a sample set is expected to produce now and then.
    if (error.code !== 2) throw error;
  });
  return performance.now() - started;
}

async function templateFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && /\.(ya?ml|json|template)$/i.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/** Files that are not templates at all: events, tool configs, Kubernetes manifests. */
function isTemplate(report: TemplateFileReport): boolean {
  return !report.errors.some(
    (finding) =>
      /not a CloudFormation template|several YAML documents/.test(finding.message) &&
      finding.rule !== 'references',
  );
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

/** Runs the benchmark and prints tables and one JSON line. */
export async function main(): Promise<void> {
  const folder = await mkdtemp(path.join(tmpdir(), 'quarry-bench-cloud-'));
  try {
    await extract({ file: dataset, cwd: folder });
    const files = await templateFiles(folder);
    const baseline = await child('baseline', files);
    const quarry = await child('quarry', files);
    const commandMs = await endToEnd(folder);
    const mutants = (await child('mutants', files)).mutants ?? {};
    const reports = (quarry.reports ?? []).map((report) => ({
      ...report,
      file: path.relative(folder, report.file),
    }));
    printSpeed(files.length, baseline, quarry, commandMs);
    const templates = reports.filter(isTemplate);
    const failing = templates.filter((report) => report.errors.length > 0);
    printFailures(reports, templates, failing);
    printMutants(mutants);
    const errorShare = failing.length / Math.max(1, templates.length);
    console.log(
      JSON.stringify({
        benchmark: 'cloud',
        files: files.length,
        templates: templates.length,
        notTemplates: reports.length - templates.length,
        templatesWithErrors: failing.length,
        errorShare,
        warnings: templates.reduce((sum, report) => sum + report.warnings.length, 0),
        baseline: { durationMs: baseline.durationMs, maxRssBytes: baseline.maxRssBytes },
        quarry: {
          durationMs: quarry.durationMs,
          specLoadMs: quarry.specLoadMs,
          maxRssBytes: quarry.maxRssBytes,
        },
        commandMs,
        mutants,
        target,
      }),
    );
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

function printSpeed(count: number, baseline: ChildResult, quarry: ChildResult, commandMs: number): void {
  console.log(`\n${count} files from aws-cloudformation-templates.tar.gz\n`);
  console.log('| variant | seconds | files/s | peak RSS |');
  console.log('|---|---:|---:|---:|');
  const row = (name: string, ms: number, rss: string) =>
    console.log(`| ${name} | ${(ms / 1000).toFixed(2)} | ${(count / (ms / 1000)).toFixed(0)} | ${rss} |`);
  row('baseline: parse only (`yaml`)', baseline.durationMs, mib(baseline.maxRssBytes));
  row(
    `Quarry validator (spec load ${((quarry.specLoadMs ?? 0) / 1000).toFixed(2)} s included)`,
    quarry.durationMs,
    mib(quarry.maxRssBytes),
  );
  row('`quarry cloud validate <folder> --json` end to end', commandMs, '—');
}

function printFailures(
  reports: readonly TemplateFileReport[],
  templates: readonly TemplateFileReport[],
  failing: readonly TemplateFileReport[],
): void {
  const skipped = reports.filter((report) => !templates.includes(report));
  console.log(`\n${skipped.length} files are not templates (events, tool configs, manifests):`);
  for (const report of skipped) console.log(`- ${report.file}: ${report.errors[0]?.message ?? ''}`);
  const share = ((failing.length / Math.max(1, templates.length)) * 100).toFixed(1);
  console.log(`\n${failing.length} of ${templates.length} templates (${share}%) get an error:\n`);
  console.log('| template | line | rule | message |');
  console.log('|---|---:|---|---|');
  for (const report of failing) {
    for (const finding of report.errors)
      console.log(
        `| ${report.file} | ${finding.line ?? ''} | ${finding.rule} | ${finding.message.replaceAll('|', '\\|')} |`,
      );
  }
  const byRule = new Map<string, number>();
  for (const report of templates)
    for (const finding of report.warnings) byRule.set(finding.rule, (byRule.get(finding.rule) ?? 0) + 1);
  console.log(
    '\nwarnings by rule:',
    Object.fromEntries([...byRule].sort((left, right) => right[1] - left[1])),
  );
}

function printMutants(mutants: MutantTally): void {
  console.log(
    '\nPlanted mistakes, one per template copy (templates rewritten by a macro or rain left out):\n',
  );
  console.log('| mistake | planted | caught |');
  console.log('|---|---:|---:|');
  for (const [kind, { planted, caught }] of Object.entries(mutants))
    console.log(`| ${kind} | ${planted} | ${caught} |`);
}
