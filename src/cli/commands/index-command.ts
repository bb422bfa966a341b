import type { Command } from 'commander';
import { NotFoundError } from '../../core/errors/index.ts';
import type { RepoRecord } from '../../core/ports/catalog.ts';
import { type IndexOutcome, indexRepositories } from '../../knowledge/index-repositories.ts';
import type { KnowledgeBase } from '../../knowledge/knowledge-base.ts';
import { type CliIo, withServices } from '../cli-context.ts';
import { exitCodes } from '../exit-codes.ts';
import { formatIndexReports, formatWarnings, progressLine } from '../format-index-report.ts';
import { waitForStop } from '../stop-signal.ts';

/** Registers `quarry index`. */
export function registerIndexCommand(program: Command, io: CliIo, setExitCode: (code: number) => void): void {
  program
    .command('index')
    .description('index the current/ version of synced repositories into the knowledge base (incremental)')
    .option('--repo <owner/name>', 'index only this repository')
    .option('--json', 'print one JSON array of reports')
    .action(async (options: { repo?: string; json?: boolean }, command: Command) => {
      await withServices(command, io, async (services) => {
        const repos = await reposToIndex(await services.catalog.listRepos(), options.repo);
        if (repos.length === 0) {
          io.stderr('Nothing to index: no repository has been synced yet. Run quarry sync first.\n');
          if (options.json) io.stdout('[]\n');
          return;
        }
        const stop = waitForStop(services.logger);
        try {
          const knowledge = await services.knowledge();
          const outcome = await indexRepositoriesWithProgress(knowledge, repos, io, stop.signal);
          if (options.json) io.stdout(`${JSON.stringify(outcome.reports, null, 2)}\n`);
          else io.stdout(`${formatIndexReports(outcome.reports)}\n`);
          for (const failure of outcome.failures) io.stderr(`error: ${services.redact(failure)}\n`);
          const interrupted = outcome.reports.some((report) => report.interrupted);
          setExitCode(outcome.failures.length > 0 || interrupted ? exitCodes.someWorkFailed : exitCodes.ok);
        } finally {
          stop.dispose();
        }
      });
    });
}

async function reposToIndex(repos: RepoRecord[], only: string | undefined): Promise<RepoRecord[]> {
  if (only === undefined) return repos.filter((repo) => repo.enabled && repo.version !== null);
  const repo = repos.find((candidate) => candidate.id.toLowerCase() === only.toLowerCase());
  if (!repo) {
    throw new NotFoundError(`${only} is not a watched repository.`, {
      hint: `Add it with quarry repos add ${only}, then quarry sync.`,
    });
  }
  if (!repo.version) {
    throw new NotFoundError(`${repo.id} has not been synced yet.`, {
      hint: `Run quarry sync --repo ${repo.id}.`,
    });
  }
  return [repo];
}

/**
 * Indexes the repositories with a progress line per repository on a terminal and each report's warnings
 * on standard error. Used by `quarry index` and after `quarry sync`.
 */
export function indexRepositoriesWithProgress(
  knowledge: KnowledgeBase,
  repos: readonly RepoRecord[],
  io: CliIo,
  signal: AbortSignal,
): Promise<IndexOutcome> {
  let progress = progressLine(io.interactive, io.stderr);
  return indexRepositories(knowledge, repos, signal, {
    onProgress: (path, report) => progress.update(path, report),
    onRepositoryDone: (report) => {
      progress.finish();
      for (const line of report ? formatWarnings(report) : []) io.stderr(`${line}\n`);
      progress = progressLine(io.interactive, io.stderr);
    },
  });
}
