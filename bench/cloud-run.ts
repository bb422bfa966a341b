// Child process of `npm run bench -- cloud`: validates (or, for the baseline, only parses; for `mutants`,
// plants mistakes in) every file named on the command line and prints one JSON line, so each variant's
// peak RSS is its own.
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { loadResourceSpecification } from '../src/cloud/template/aws-resource-specification.ts';
import { validateTemplateFile } from '../src/cloud/template/validate-template-file.ts';
import { tallyMutants } from './cloud-mutants.ts';

const [variant, ...files] = process.argv.slice(2);
const started = performance.now();
if (variant === 'baseline') {
  for (const file of files) {
    const text = await readFile(file, 'utf8');
    parseDocument(text);
  }
  report({});
} else if (variant === 'mutants') {
  report({ mutants: await tallyMutants(files, await loadResourceSpecification()) });
} else {
  const spec = await loadResourceSpecification();
  const specLoadMs = performance.now() - started;
  const reports = [];
  for (const file of files) reports.push(await validateTemplateFile(file, spec));
  report({ specLoadMs, reports });
}

function report(extra: Record<string, unknown>): void {
  const durationMs = performance.now() - started;
  const maxRssBytes = process.resourceUsage().maxRSS * 1024;
  console.log(JSON.stringify({ variant, files: files.length, durationMs, maxRssBytes, ...extra }));
}
