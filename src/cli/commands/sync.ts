import type { Command } from 'commander';
import type { Services } from '../../app/create-services.ts';
import { runSyncPass } from '../../app/sync-and-index.ts';
import { formatByteSize } from '../../core/byte-size.ts';
import { ValidationError } from '../../core/errors/index.ts';
import type { SyncResult } from '../../sync/sync-types.ts';
import { type CliIo, withServices } from '../cli-context.ts';
import { exitCodes } from '../exit-codes.ts';
import { formatTable } from '../format-table.ts';
import { createProgressReporter } from '../progress-reporter.ts';
import { waitForStop } from '../stop-signal.ts';

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
            const { results, indexFailed } = await syncOnce(services, options, stop.signal, io);
            if (options.json) io.stdout(`${JSON.stringify(results, null, 2)}\n`);
            else
              io.stdout(
                `${stop.signal.aborted && results.length === 0 ? 'Stopped before any repository was synced.' : formatResults(results)}\n`,
              );
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

/**
 * One pass: sync, then index what got a new release, with progress shown (log lines held back under
 * bars). Returns the results and whether indexing failed.
 */
async function syncOnce(
  services: Services,
  options: SyncCommandOptions,
  signal: AbortSignal,
  io: CliIo,
): Promise<{ results: SyncResult[]; indexFailed: boolean }> {
  const reporter = options.json ? undefined : createProgressReporter(io.interactive, io.stderr);
  const releaseLogs = io.interactive && reporter ? services.holdLogs() : () => {};
  try {
    const outcome = await runSyncPass(services, {
      signal,
      ...(options.repo ? { repoId: options.repo } : {}),
      ...(options.force ? { force: true } : {}),
      ...(reporter ? { onProgress: (progress) => reporter.update(progress) } : {}),
    });
    return { results: outcome.results, indexFailed: outcome.failures.length > 0 };
  } finally {
    // Always: a bar left running keeps the process alive, and held log lines would be lost.
    reporter?.stop();
    releaseLogs();
  }
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
