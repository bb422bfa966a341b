import { createInterface } from 'node:readline';
import { type Command, Option } from 'commander';
import {
  changePassword,
  checkPassword,
  createUser,
  generatePassword,
  removeUser,
} from '../../accounts/users.ts';
import { ValidationError } from '../../core/errors/index.ts';
import type { UserRecord, UserRole } from '../../core/ports/catalog.ts';
import { type CliIo, withServices } from '../cli-context.ts';
import { formatTable } from '../format-table.ts';

/** Registers `quarry users add|list|remove|passwd`. */
export function registerUsersCommands(program: Command, io: CliIo): void {
  const users = program.command('users').description('manage the accounts that may use the Quarry server');
  registerAdd(users, io);
  registerList(users, io);
  registerRemove(users, io);
  registerPasswd(users, io);
}

function registerList(users: Command, io: CliIo): void {
  users
    .command('list')
    .description('show the accounts (name, role, created)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withServices(command, io, async ({ catalog }) => {
        const records = await catalog.listUsers();
        io.stdout(
          options.json
            ? `${JSON.stringify(records.map(publicUser), null, 2)}\n`
            : `${formatUsers(records)}\n`,
        );
      });
    });
}

function registerRemove(users: Command, io: CliIo): void {
  users
    .command('remove <name>')
    .description('remove an account with its API keys and sessions (refused for the last admin)')
    .action(async (name: string, _options: unknown, command: Command) => {
      await withServices(command, io, async ({ catalog }) => {
        const keys = await catalog.listApiKeys({ userId: name });
        const user = await removeUser(catalog, name);
        io.stdout(`Removed user ${user.id} with ${countOf(keys.length, 'API key')}; its sessions ended.\n`);
      });
    });
}

function registerPasswd(users: Command, io: CliIo): void {
  users
    .command('passwd <name>')
    .description('set a new password (read from standard input, or generated and shown once)')
    .option('--password-stdin', 'read the password from the first line of standard input')
    .action(async (name: string, options: { passwordStdin?: boolean }, command: Command) => {
      const chosen = options.passwordStdin ? await readPassword(io) : undefined;
      const password = chosen ?? generatePassword();
      await withServices(command, io, async ({ catalog }) => {
        const user = await changePassword(catalog, name, password);
        io.stdout(`Changed the password of ${user.id}.\n`);
        if (chosen === undefined) io.stdout(`Password for ${user.id} (shown once): ${password}\n`);
      });
    });
}

function registerAdd(users: Command, io: CliIo): void {
  users
    .command('add <name>')
    .description('add an account; its password is read from standard input, or generated and shown once')
    .addOption(
      new Option('--role <role>', 'what the account may do').choices(['admin', 'member']).default('member'),
    )
    .option('--password-stdin', 'read the password from the first line of standard input')
    .action(async (name: string, options: { role: UserRole; passwordStdin?: boolean }, command: Command) => {
      const chosen = options.passwordStdin ? await readPassword(io) : undefined;
      const password = chosen ?? generatePassword();
      await withServices(command, io, async ({ catalog }) => {
        const user = await createUser(
          { catalog, clock: () => new Date() },
          { id: name, role: options.role, password },
        );
        io.stdout(`Added user ${user.id} (${user.role}).\n`);
        if (chosen === undefined) io.stdout(`Password for ${user.id} (shown once): ${password}\n`);
      });
    });
}

/**
 * The first line of standard input, checked as a password before anything is opened. Only the line break
 * is removed: spaces at either end are part of the password.
 */
async function readPassword(io: CliIo): Promise<string> {
  const line = io.stdin === undefined ? undefined : await readFirstLine(io.stdin);
  if (line === undefined || line === '') {
    throw new ValidationError('No password on standard input.', {
      hint: 'Pipe it in, e.g. printf "%s\\n" "$PASSWORD" | quarry users add bob --password-stdin, or leave out --password-stdin to have one generated.',
    });
  }
  checkPassword(line);
  return line;
}

async function readFirstLine(stream: NodeJS.ReadableStream): Promise<string | undefined> {
  const lines = createInterface({ input: stream, terminal: false, crlfDelay: Number.POSITIVE_INFINITY });
  try {
    for await (const line of lines) return line;
    return undefined;
  } finally {
    lines.close();
  }
}

/** What lists show of an account: never the password hash. */
function publicUser(user: UserRecord): { name: string; role: UserRole; createdAt: string } {
  return { name: user.id, role: user.role, createdAt: user.createdAt };
}

function formatUsers(records: UserRecord[]): string {
  if (records.length === 0) return 'No users. Add one with: quarry users add <name> --role admin';
  const rows = records.map((user) => [user.id, user.role, user.createdAt]);
  return formatTable(['NAME', 'ROLE', 'CREATED'], rows);
}

function countOf(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
