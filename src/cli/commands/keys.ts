import type { Command } from 'commander';
import { createApiKey, listApiKeys, type PublicApiKey, revokeApiKey } from '../../accounts/api-keys.ts';
import type { Catalog } from '../../core/ports/catalog.ts';
import { type CliIo, withServices } from '../cli-context.ts';
import { formatTable } from '../format-table.ts';

/** Registers `quarry keys create|list|revoke`. */
export function registerKeysCommands(program: Command, io: CliIo): void {
  const keys = program
    .command('keys')
    .description('manage API keys for scripts and tools calling the Quarry server');
  registerCreate(keys, io);
  registerList(keys, io);
  registerRevoke(keys, io);
}

function registerCreate(keys: Command, io: CliIo): void {
  keys
    .command('create')
    .description('create an API key acting as a user; the key is printed once')
    .requiredOption('--user <name>', 'the account the key acts as (its role applies)')
    .option('--name <label>', 'what the key is for, e.g. "ci" or "laptop"', 'default')
    .action(async (options: { user: string; name: string }, command: Command) => {
      await withServices(command, io, async ({ catalog }) => {
        const { record, key } = await createApiKey(dependenciesOf(catalog), {
          userId: options.user,
          name: options.name,
        });
        // The key alone goes to standard output, so scripts can capture it: KEY=$(quarry keys create ...).
        io.stderr(
          `Created API key ${record.id} ("${record.name}") for ${record.userId}. It is shown only now:\n`,
        );
        io.stdout(`${key}\n`);
        io.stderr('Send it with every request as the header: Authorization: Bearer <key>\n');
      });
    });
}

function registerList(keys: Command, io: CliIo): void {
  keys
    .command('list')
    .description('show API keys (id, user, name, created, last used, revoked), never their secrets')
    .option('--user <name>', 'only the keys of this user')
    .option('--json', 'print JSON')
    .action(async (options: { user?: string; json?: boolean }, command: Command) => {
      await withServices(command, io, async ({ catalog }) => {
        const shown = await listApiKeys({ catalog }, { userId: options.user });
        io.stdout(options.json ? `${JSON.stringify(shown, null, 2)}\n` : `${formatKeys(shown)}\n`);
      });
    });
}

function registerRevoke(keys: Command, io: CliIo): void {
  keys
    .command('revoke <id>')
    .description('revoke an API key for good')
    .action(async (id: string, _options: unknown, command: Command) => {
      await withServices(command, io, async ({ catalog }) => {
        const { key, revokedNow } = await revokeApiKey(dependenciesOf(catalog), id);
        io.stdout(
          revokedNow
            ? `Revoked API key ${key.id} ("${key.name}") of ${key.userId}.\n`
            : `API key ${key.id} ("${key.name}") of ${key.userId} was already revoked at ${key.revokedAt}.\n`,
        );
      });
    });
}

function dependenciesOf(catalog: Catalog) {
  return { catalog, clock: () => new Date() };
}

function formatKeys(keys: PublicApiKey[]): string {
  if (keys.length === 0)
    return 'No API keys. Create one with: quarry keys create --user <name> --name <label>';
  const rows = keys.map((key) => [
    key.id,
    key.userId,
    key.name,
    key.createdAt,
    key.lastUsedAt ?? 'never',
    key.revokedAt ?? '-',
  ]);
  return formatTable(['ID', 'USER', 'NAME', 'CREATED', 'LAST USED', 'REVOKED'], rows);
}
