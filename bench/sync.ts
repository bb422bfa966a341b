import { execFileSync, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { startFakeGitHub } from '../test/support/fake-github-server.ts';
import { generateSourceTree } from './generate-source-tree.ts';

interface Measurement {
  label: string;
  archiveBytes: number;
  files: number;
  tarSeconds: number;
  quarrySeconds: number;
  quarryRssMiB: number;
}

const sizes = [
  { label: '50 MB', files: 5_000, bytes: 50e6 },
  { label: '200 MB', files: 20_000, bytes: 200e6 },
];
const repetitions = 3;

/** Median of a list of numbers. */
function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function buildArchive(cache: string, size: (typeof sizes)[number]): Promise<string> {
  const tree = path.join(cache, `tree-${size.files}`);
  const archive = path.join(cache, `bench-${size.files}.tar.gz`);
  await generateSourceTree(tree, 'bench-repo-0123abc', size.files, size.bytes);
  if (!(await stat(archive).catch(() => undefined))) {
    execFileSync('tar', ['-czf', `${archive}.partial`, '-C', tree, 'bench-repo-0123abc']);
    execFileSync('mv', [`${archive}.partial`, archive]);
  }
  return archive;
}

function timeTar(archive: string, target: string): number {
  execFileSync('rm', ['-rf', target]);
  execFileSync('mkdir', ['-p', target]);
  const started = performance.now();
  execFileSync('tar', ['-xzf', archive, '-C', target]);
  return (performance.now() - started) / 1000;
}

function runQuarry(workFolder: string, apiUrl: string): { seconds: number; rss: number; files: number } {
  execFileSync('rm', ['-rf', workFolder]);
  const environment = {
    ...process.env,
    QUARRY_HOME: workFolder,
    QUARRY_GITHUB_API_URL: apiUrl,
    QUARRY_CONFIG: path.join(workFolder, '..', 'bench.config.yaml'),
  };
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'sync-pipeline.ts')],
    {
      env: environment,
      encoding: 'utf8',
    },
  );
  const lastLine = child.stdout.trim().split('\n').pop() ?? '';
  if (child.status !== 0) throw new Error(`The pipeline failed: ${child.stderr}\n${child.stdout}`);
  const report = JSON.parse(lastLine) as {
    durationMs: number;
    maxRssBytes: number;
    result: { status: string; files: number; error: string };
  };
  if (report.result.status !== 'updated')
    throw new Error(`The sync did not extract: ${JSON.stringify(report.result)}`);
  return { seconds: report.durationMs / 1000, rss: report.maxRssBytes, files: report.result.files };
}

/** `npm run bench -- sync`: Quarry's sync pipeline against `tar -xzf` on the same archive and disk. */
export async function main(): Promise<void> {
  const cache = path.join(tmpdir(), 'quarry-bench-cache');
  await mkdir(cache, { recursive: true });
  const work = await mkdtemp(path.join(tmpdir(), 'quarry-bench-'));
  const github = await startFakeGitHub();
  const measurements: Measurement[] = [];
  try {
    const ignoreFile = path.join(work, 'bench.ignore');
    // A realistic filter: leave out one package's documentation.
    await writeFile(ignoreFile, 'packages/pkg-7/**/*.md\n');
    for (const size of sizes) {
      const archive = await buildArchive(cache, size);
      const repo = `bench/repo-${size.files}`;
      github.setRepo('bench', `repo-${size.files}`, {
        releases: [{ tag: 'v1.0.0' }],
        archives: { 'v1.0.0': { body: archive } },
      });
      await writeFile(
        path.join(work, 'bench.config.yaml'),
        `sync:\n  repos:\n    - id: ${repo}\n      ignoreFile: ${ignoreFile}\n`,
      );
      const tarTimes: number[] = [];
      const quarryRuns: Array<{ seconds: number; rss: number; files: number }> = [];
      for (let round = 0; round < repetitions; round += 1) {
        tarTimes.push(timeTar(archive, path.join(work, 'tar-out')));
        quarryRuns.push(runQuarry(path.join(work, 'quarry-home'), github.url));
      }
      measurements.push({
        label: size.label,
        archiveBytes: (await stat(archive)).size,
        files: quarryRuns[0]?.files ?? 0,
        tarSeconds: median(tarTimes),
        quarrySeconds: median(quarryRuns.map((run) => run.seconds)),
        quarryRssMiB: Math.max(...quarryRuns.map((run) => run.rss)) / 2 ** 20,
      });
    }
  } finally {
    await github.close();
    await rm(work, { recursive: true, force: true });
  }
  printReport(measurements);
}

function printReport(measurements: Measurement[]): void {
  console.log(
    `\nsync benchmark (median of ${repetitions}; download over loopback, extract, ignore filter, local folder)\n`,
  );
  console.log('| tree | archive | files stored | tar -xzf | quarry sync | ratio | quarry peak RSS |');
  console.log('|---|---|---|---|---|---|---|');
  for (const row of measurements) {
    console.log(
      `| ${row.label} | ${(row.archiveBytes / 2 ** 20).toFixed(1)} MiB | ${row.files} | ${row.tarSeconds.toFixed(2)} s | ${row.quarrySeconds.toFixed(2)} s | ${(row.quarrySeconds / row.tarSeconds).toFixed(2)}x | ${row.quarryRssMiB.toFixed(0)} MiB |`,
    );
  }
  console.log(`\n${JSON.stringify({ benchmark: 'sync', measurements })}`);
}
