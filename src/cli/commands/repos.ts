import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { type Command, Option } from 'commander';
import { formatByteSize } from '../../core/byte-size.ts';
import type { RepoRecord, TrackMode } from '../../core/ports/catalog.ts';
import { loadIgnoreRules } from '../../sync/load-ignore-rules.ts';
import { addOrReplaceRepo, changeRepo, removeRepo } from '../../sync/repo-registry.ts';
import { type CliIo, withServices } from '../cli-context.ts';
import { formatTable } from '../format-table.ts';

/** Registers `quarry repos add|list|enable|disable|remove`. */
export function registerReposCommands(program: Command, io: CliIo): void {
  const repos = program.command('repos').description('manage the GitHub repositories Quarry keeps in sync');
  repos
    .command('add <owner/name>')
    .description('watch a repository (or change the settings of one you added)')
    .option('--ignore-file <path>', 'gitignore-style file of paths to leave out when extracting')
    .addOption(
      new Option('--track <mode>', 'what counts as a new version')
        .choices(['releases', 'tags'])
        .default('releases'),
    )
    .option('--asset <glob>', 'download this release asset (e.g. "*.zip") instead of the source tarball')
    .action(
      async (
        id: string,
        options: { ignoreFile?: string; track: TrackMode; asset?: string },
        command: Command,
      ) => {
        const ignoreFile = options.ignoreFile ? path.resolve(io.cwd, options.ignoreFile) : undefined;
        // Check the ignore file now, so a typo is reported here rather than at the next sync.
        if (ignoreFile) await loadIgnoreRules({ id, ignoreFile }, { readFile: (file) => readFile(file) });
        await withServices(command, io, async ({ catalog }) => {
          const request = {
            id,
            track: options.track,
            ...(ignoreFile ? { ignoreFile } : {}),
            ...(options.asset ? { asset: options.asset } : {}),
          };
          const { repo, created } = await addOrReplaceRepo(catalog, request);
          io.stdout(
            `${created ? 'Added' : 'Updated'} ${repo.id} (tracks ${repo.track}${repo.ignoreFile ? `, ignore file ${repo.ignoreFile}` : ''}${repo.asset ? `, asset ${repo.asset}` : ''}).\n`,
          );
        });
      },
    );
  repos
    .command('list')
    .description('show watched repositories and their last sync')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withServices(command, io, async ({ catalog }) => {
        const records = await catalog.listRepos();
        io.stdout(options.json ? `${JSON.stringify(records, null, 2)}\n` : `${formatRepos(records)}\n`);
      });
    });
  for (const [name, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    repos
      .command(`${name} <owner/name>`)
      .description(`${name} syncing of a repository`)
      .action(async (id: string, _options: unknown, command: Command) => {
        await withServices(command, io, async ({ catalog }) => {
          const repo = await changeRepo(catalog, id, { enabled });
          io.stdout(`${enabled ? 'Enabled' : 'Disabled'} ${repo.id}.\n`);
        });
      });
  }
  repos
    .command('remove <owner/name>')
    .description('stop watching a repository (files already stored are kept)')
    .action(async (id: string, _options: unknown, command: Command) => {
      await withServices(command, io, async ({ catalog }) => {
        const repo = await removeRepo(catalog, id);
        io.stdout(`Removed ${repo.id} from the catalog; its files in the object store were kept.\n`);
      });
    });
}

function formatRepos(records: RepoRecord[]): string {
  if (records.length === 0) return 'No repositories. Add one with: quarry repos add <owner/name>';
  const rows = records.map((repo) => [
    repo.id,
    repo.enabled ? 'yes' : 'no',
    repo.track,
    repo.version ?? '-',
    repo.status ?? 'never synced',
    repo.lastCheckedAt ?? '-',
    repo.files ? `${repo.files} files, ${formatByteSize(repo.bytes)}` : '-',
    repo.error ?? '',
  ]);
  return formatTable(
    ['REPOSITORY', 'ENABLED', 'TRACK', 'VERSION', 'STATUS', 'LAST CHECKED', 'SIZE', 'ERROR'],
    rows,
  );
}
