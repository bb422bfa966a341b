import type { Command } from 'commander';
import { type CliIo, withServices } from '../cli-context.ts';
import { exitCodes } from '../exit-codes.ts';
import { formatIndexReports, formatWarnings, progressLine } from '../format-index-report.ts';
import { waitForStop } from '../stop-signal.ts';

/** Registers `quarry ingest`. */
export function registerIngestCommand(
  program: Command,
  io: CliIo,
  setExitCode: (code: number) => void,
): void {
  program
    .command('ingest')
    .description('index local files and folders (code, Markdown, HTML, text, PDF); .gitignore is honoured')
    .argument('<path...>', 'files or folders to index')
    .option('--source <name>', 'name of the source these documents belong to', 'local')
    .option('--json', 'print the report as JSON')
    .action(async (paths: string[], options: { source: string; json?: boolean }, command: Command) => {
      await withServices(command, io, async (services) => {
        const stop = waitForStop(services.logger);
        const progress = progressLine(io.interactive, io.stderr);
        try {
          const knowledge = await services.knowledge();
          const report = await knowledge.ingest(paths, options.source, io.cwd, {
            signal: stop.signal,
            onProgress: progress.update,
          });
          progress.finish();
          if (!stop.signal.aborted) await knowledge.fillVectors({ signal: stop.signal });
          if (options.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
          else {
            io.stdout(`${formatIndexReports([report])}\n`);
            for (const line of formatWarnings(report)) io.stderr(`${line}\n`);
          }
          setExitCode(report.interrupted ? exitCodes.someWorkFailed : exitCodes.ok);
        } finally {
          progress.finish();
          stop.dispose();
        }
      });
    });
}
