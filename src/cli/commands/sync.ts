import type { Command } from 'commander';
import { formatByteSize } from '../../core/byte-size.ts';
import { ValidationError } from '../../core/errors/index.ts';
import { syncAll } from '../../sync/sync-all.ts';
import type { SyncResult } from '../../sync/sync-types.ts';
import { type CliIo, withServices } from '../cli-context.ts';
import type { Services } from '../create-services.ts';
import { exitCodes } from '../exit-codes.ts';
import { formatTable } from '../format-table.ts';
import { createProgressReporter } from '../progress-reporter.ts';
import { waitForStop } from '../stop-signal.ts';
import { indexRepositories } from './index-command.ts';

interface SyncCommandOptions {
  repo?: string;
  json?: boolean;
  every?: string;
  force?: boolean;
}

/** Registers `quarry sync`. The action's exit code is stored in `setExitCode`. */
export function registerSyncCommand(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program
    .command('sync')
    .description('check enabled repositories for new releases and extract them into the object store')
    .option('--repo <owner/name>', 'sync only this repository')
    .option('--json', 'print one JSON array of results')
    .option('--every <minutes>', 'keep syncing every N minutes until interrupted (Ctrl-C)')
    .option('--force', 're-extract the latest release even if nothing changed')
    .action(async (options: SyncCommandOptions, command: Command) => {
      const everyMinutes = parseInterval(options.every);
      await withServices(command, io, async (services) => {
        const stop = waitForStop(services.logger);
        try {
          do {
            const results = await syncOnce(services, options, stop.signal, io);
            if (options.json) io.stdout(`${JSON.stringify(results, null, 2)}\n`);
            else
              io.stdout(
                `${stop.signal.aborted && results.length === 0 ? 'Stopped before any repository was synced.' : formatResults(results)}\n`,
              );
            const indexFailed = await indexUpdatedRepos(services, results, io, stop.signal);
            const failed =
              indexFailed ||
              results.some((result) => result.status === 'failed') ||
              (stop.signal.aborted && results.length === 0);
            setExitCode(failed ? exitCodes.someWorkFailed : exitCodes.ok);
          } while (everyMinutes !== undefined && (await stop.sleep(everyMinutes * 60_000)));
        } finally {
          stop.dispose();
        }
      });
    });
}

/** One pass over the repositories, with progress shown (and log lines held back under bars). */
async function syncOnce(
  services: Services,
  options: SyncCommandOptions,
  signal: AbortSignal,
  io: CliIo,
): Promise<SyncResult[]> {
  const reporter = options.json ? undefined : createProgressReporter(io.interactive, io.stderr);
  const releaseLogs = io.interactive && reporter ? services.holdLogs() : () => {};
  try {
    const context = await services.syncContext(
      reporter ? (progress) => reporter.update(progress) : undefined,
    );
    return await syncAll(context, {
      concurrency: services.config.sync.concurrency,
      signal,
      ...(options.repo ? { repoId: options.repo } : {}),
      ...(options.force ? { force: true } : {}),
    });
  } finally {
    // Always: a bar left running keeps the process alive, and held log lines would be lost.
    reporter?.stop();
    releaseLogs();
  }
}

/**
 * Indexes the repositories whose new release was just extracted (`knowledge.indexAfterSync`, on by
 * default). Results go to the log, so `--json` output stays one array. Returns whether anything failed.
 */
async function indexUpdatedRepos(
  services: Services,
  results: SyncResult[],
  io: CliIo,
  signal: AbortSignal,
): Promise<boolean> {
  const updated = results.filter((result) => result.status === 'updated').map((result) => result.id);
  if (!services.config.knowledge.indexAfterSync || updated.length === 0 || signal.aborted) return false;
  const repos = (await services.catalog.listRepos()).filter((repo) => updated.includes(repo.id));
  const knowledge = await services.knowledge();
  services.logger.info(
    { repos: repos.map((repo) => repo.id) },
    `indexing ${repos.map((repo) => repo.id).join(', ')}`,
  );
  const outcome = await indexRepositories(knowledge, repos, { ...io, interactive: false }, signal);
  for (const report of outcome.reports) {
    services.logger.info(
      {
        source: report.source,
        version: report.version,
        indexed: report.indexed,
        unchanged: report.unchanged,
      },
      `indexed ${report.source}@${report.version}: ${report.indexed} files indexed, ${report.unchanged} unchanged, ${report.removed} removed, ${report.chunks} chunks`,
    );
  }
  for (const failure of outcome.failures) services.logger.error({}, `indexing failed: ${failure}`);
  return outcome.failures.length > 0;
}

function parseInterval(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const minutes = Number(text);
  if (!Number.isFinite(minutes) || minutes <= 0) {
    throw new ValidationError(
      `--every takes a number of minutes greater than 0, got ${JSON.stringify(text)}.`,
    );
  }
  return minutes;
}

function formatResults(results: SyncResult[]): string {
  if (results.length === 0) return 'No enabled repositories. Add one with: quarry repos add <owner/name>';
  const rows = results.map((result) => [
    result.id,
    result.status,
    result.tag ?? '-',
    result.previousTag ?? '-',
    String(result.files),
    formatByteSize(result.bytes),
    `${(result.durationMs / 1000).toFixed(1)}s`,
    result.error ?? '',
  ]);
  const count = (status: SyncResult['status']) => results.filter((result) => result.status === status).length;
  const summary = `${results.length} checked: ${count('updated')} updated, ${count('unchanged')} unchanged, ${count('no-release')} without a release, ${count('failed')} failed.`;
  return `${formatTable(['REPOSITORY', 'STATUS', 'TAG', 'PREVIOUS', 'FILES', 'SIZE', 'TIME', 'ERROR'], rows)}\n\n${summary}`;
}
