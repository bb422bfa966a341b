import type { Command } from 'commander';
import { listAvailableModels } from '../../app/list-available-models.ts';
import { loadQuarryConfig } from '../../app/open-quarry.ts';
import type { QuarryConfig } from '../../core/config.ts';
import type { ModelList, ModelRow } from '../../models/list-models.ts';
import { type CliIo, configSourcesOf } from '../cli-context.ts';
import { formatTable } from '../format-table.ts';

/** Registers `quarry models` and its subcommand `list`. */
export function registerModelsCommands(program: Command, io: CliIo): void {
  const models = program.command('models').description('language models: configured, discovered, reachable');
  models
    .command('list')
    .description(
      'list configured models and discovered ones (Ollama, Amazon Bedrock, .gguf files in QUARRY_HOME/models), each with whether it is reachable',
    )
    .option('--json', 'print the models as a JSON array')
    .action(async (options: { json?: boolean }, command: Command) => {
      const config = loadCommandConfig(command, io);
      const list = await listAvailableModels(config, io);
      io.stdout(options.json ? `${JSON.stringify(list.rows, null, 2)}\n` : formatModels(list));
    });
}

/**
 * Only the configuration: listing models needs no catalog or object store (unlike `withServices`), so
 * it works on a machine where nothing else is set up yet.
 */
function loadCommandConfig(command: Command, io: CliIo): QuarryConfig {
  return loadQuarryConfig(configSourcesOf(command, io)).config;
}

function formatModels(list: ModelList): string {
  const rows = list.rows.map((row) => [
    `${row.isDefault ? '*' : ' '} ${row.name}`,
    row.provider,
    row.name === row.model || row.name.endsWith(`:${row.model}`) ? '' : row.model,
    row.origin,
    row.reachable ? 'yes' : 'no',
    row.detail,
  ]);
  const table = formatTable(['  NAME', 'PROVIDER', 'MODEL', 'ORIGIN', 'REACHABLE', 'DETAIL'], rows);
  const lines = [table, '', summary(list.rows)];
  if (list.notes.length > 0)
    lines.push('', 'Not searched or nothing found:', ...list.notes.map((note) => `  ${note}`));
  return `${lines.join('\n')}\n`;
}

function summary(rows: ModelRow[]): string {
  const reachable = rows.filter((row) => row.reachable).length;
  const marker = rows.some((row) => row.isDefault)
    ? ' * marks the default (models.default; --model overrides it).'
    : '';
  return `${reachable} of ${rows.length} reachable.${marker} Pass a NAME to --model.`;
}
