import { execFile, execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { startFakeGitHub } from '../test/support/fake-github-server.ts';
import { generateSourceTree } from './generate-source-tree.ts';

interface Measurement {
  label: string;
  disk: string;
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
const repetitions = 5;
/** Both runs write to the same place: the real disk (tmpdir) and, where there is one, a RAM disk. */
const disks = [
  { label: 'disk', folder: tmpdir() },
  { label: 'RAM (/dev/shm)', folder: '/dev/shm' },
];

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

/** Removes a folder, then flushes dirty pages so no run pays for the previous run's writes. */
function resetFolder(folder: string): void {
  execFileSync('rm', ['-rf', folder]);
  execFileSync('sync');
}

function timeTar(archive: string, target: string): number {
  resetFolder(target);
  execFileSync('mkdir', ['-p', target]);
  const started = performance.now();
  execFileSync('tar', ['-xzf', archive, '-C', target]);
  return (performance.now() - started) / 1000;
}

/** Runs the pipeline in a child process (asynchronously: the fake GitHub serves from this process). */
async function runQuarry(
  workFolder: string,
  apiUrl: string,
  configFolder: string,
): Promise<{ seconds: number; rss: number; files: number }> {
  resetFolder(workFolder);
  const environment = {
    ...process.env,
    QUARRY_HOME: workFolder,
    QUARRY_GITHUB_API_URL: apiUrl,
    QUARRY_CONFIG: path.join(configFolder, 'bench.config.yaml'),
  };
  const script = path.join(import.meta.dirname, 'sync-pipeline.ts');
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script], {
    env: environment,
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  const lastLine = stdout.trim().split('\n').pop() ?? '';
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
    await writeFile(ignoreFile, 'packages/pkg-0/**/*.md\n');
    await writeFile(
      path.join(work, 'bench.config.yaml'),
      `sync:\n  repos:\n    - id: bench/repo\n      ignoreFile: ${ignoreFile}\n`,
    );
    for (const size of sizes) {
      const archive = await buildArchive(cache, size);
      github.setRepo('bench', 'repo', {
        releases: [{ tag: 'v1.0.0' }],
        archives: { 'v1.0.0': { body: archive } },
      });
      for (const disk of await availableDisks()) {
        measurements.push(await measure(size.label, disk, archive, work, github.url));
      }
    }
  } finally {
    await github.close();
    await rm(work, { recursive: true, force: true });
  }
  printReport(measurements);
}

async function availableDisks(): Promise<typeof disks> {
  const present = await Promise.all(
    disks.map((disk) =>
      stat(disk.folder).then(
        () => true,
        () => false,
      ),
    ),
  );
  return disks.filter((_, index) => present[index]);
}

/** Alternates tar and Quarry runs on one disk, so both see the same conditions. */
async function measure(
  label: string,
  disk: (typeof disks)[number],
  archive: string,
  work: string,
  apiUrl: string,
): Promise<Measurement> {
  const scratch = await mkdtemp(path.join(disk.folder, 'quarry-bench-run-'));
  const tarTimes: number[] = [];
  const quarryRuns: Array<{ seconds: number; rss: number; files: number }> = [];
  try {
    for (let round = 0; round < repetitions; round += 1) {
      tarTimes.push(timeTar(archive, path.join(scratch, 'tar-out')));
      quarryRuns.push(await runQuarry(path.join(scratch, 'quarry-home'), apiUrl, work));
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return {
    label,
    disk: disk.label,
    archiveBytes: (await stat(archive)).size,
    files: quarryRuns[0]?.files ?? 0,
    tarSeconds: median(tarTimes),
    quarrySeconds: median(quarryRuns.map((run) => run.seconds)),
    quarryRssMiB: Math.max(...quarryRuns.map((run) => run.rss)) / 2 ** 20,
  };
}

function printReport(measurements: Measurement[]): void {
  console.log(
    `\nsync benchmark (median of ${repetitions}; download over loopback, extract, ignore filter, local folder)\n`,
  );
  console.log(
    '| tree | written to | archive | files stored | tar -xzf | quarry sync | ratio | quarry peak RSS |',
  );
  console.log('|---|---|---|---|---|---|---|---|');
  for (const row of measurements) {
    console.log(
      `| ${row.label} | ${row.disk} | ${(row.archiveBytes / 2 ** 20).toFixed(1)} MiB | ${row.files} | ${row.tarSeconds.toFixed(2)} s | ${row.quarrySeconds.toFixed(2)} s | ${(row.quarrySeconds / row.tarSeconds).toFixed(2)}x | ${row.quarryRssMiB.toFixed(0)} MiB |`,
    );
  }
  console.log(`\n${JSON.stringify({ benchmark: 'sync', measurements })}`);
}
