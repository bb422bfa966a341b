// `npm run bench -- crawl [--pages 2000] [--concurrency 4] [--runs 1]`: crawls a generated local site of
// `pages` pages with Quarry's crawler and with a bare Crawlee CheerioCrawler in the same run, each in its
// own child process (so peak RSS is each crawler's own), the site served from this process. Reports
// pages/s of both, their ratio (target ≥ 0.8) and peak RSS, plus Quarry's incremental re-crawl.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { startGeneratedSite } from '../test/support/crawl-site.ts';

const target = { ratio: 0.8 };

interface RunResult {
  variant: string;
  crawled: number;
  durationMs: number;
  maxRssBytes: number;
}

function options() {
  const { values } = parseArgs({
    args: process.argv.slice(3),
    options: {
      pages: { type: 'string', default: '2000' },
      concurrency: { type: 'string', default: '4' },
      runs: { type: 'string', default: '1' },
    },
  });
  const numbers = Object.fromEntries(Object.entries(values).map(([name, text]) => [name, Number(text)]));
  for (const [name, value] of Object.entries(numbers)) {
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`--${name} takes a whole number, not ${values[name as keyof typeof values]}`);
  }
  return numbers as { pages: number; concurrency: number; runs: number };
}

async function runChild(variant: string, origin: string, home: string, settings: ReturnType<typeof options>) {
  const script = path.join(import.meta.dirname, 'crawl-run.ts');
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', script, variant, origin, String(settings.pages), String(settings.concurrency)],
    {
      env: { ...process.env, QUARRY_HOME: home, QUARRY_LOG_LEVEL: 'warn' },
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  const last = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as RunResult;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const pagesPerSecond = (run: RunResult) => run.crawled / (run.durationMs / 1000);
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

/** Runs the benchmark and prints a table and one JSON line. */
export async function main(): Promise<void> {
  const settings = options();
  const site = await startGeneratedSite({ pages: settings.pages });
  const results: Record<string, RunResult[]> = { baseline: [], quarry: [], 'quarry-again': [] };
  try {
    for (let run = 0; run < settings.runs; run++) {
      results.baseline?.push(await runChild('baseline', site.origin, tmpdir(), settings));
      const home = await mkdtemp(path.join(tmpdir(), 'quarry-bench-crawl-'));
      try {
        results.quarry?.push(await runChild('quarry', site.origin, home, settings));
        results['quarry-again']?.push(await runChild('quarry-again', site.origin, home, settings));
      } finally {
        await rm(home, { recursive: true, force: true });
      }
    }
  } finally {
    await site.close();
  }
  const rows = Object.entries(results).map(([variant, runs]) => ({
    variant,
    crawled: median(runs.map((run) => run.crawled)),
    pagesPerSecond: median(runs.map(pagesPerSecond)),
    seconds: median(runs.map((run) => run.durationMs / 1000)),
    peakRss: median(runs.map((run) => run.maxRssBytes)),
  }));
  const [bare, ours] = rows;
  const ratio = (ours?.pagesPerSecond ?? 0) / (bare?.pagesPerSecond || 1);
  console.log(
    `\nCrawl of a generated ${settings.pages}-page site on 127.0.0.1, concurrency ${settings.concurrency}, median of ${settings.runs} run(s)\n`,
  );
  console.log('| crawler | pages | seconds | pages/s | peak RSS |');
  console.log('|---|---:|---:|---:|---:|');
  const names: Record<string, string> = {
    baseline: 'bare Crawlee CheerioCrawler (baseline: follow links only)',
    quarry: 'Quarry crawl (first crawl: extract, section, index)',
    'quarry-again': 'Quarry re-crawl (nothing changed: 304s)',
  };
  for (const row of rows) {
    console.log(
      `| ${names[row.variant]} | ${row.crawled} | ${row.seconds.toFixed(1)} | ${row.pagesPerSecond.toFixed(0)} | ${mib(row.peakRss)} |`,
    );
  }
  console.log(
    `\nQuarry / baseline pages/s: ${ratio.toFixed(2)} (target ≥ ${target.ratio}) ${ratio >= target.ratio ? 'met' : 'NOT met'}`,
  );
  console.log(JSON.stringify({ benchmark: 'crawl', settings, rows, ratio, target }));
}
