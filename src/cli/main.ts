import { Command, CommanderError } from 'commander';
import { environmentSettings } from '../app/open-quarry.ts';
import { quarryVersion } from '../app/quarry-version.ts';
import { redactorFor } from '../app/secrets.ts';
import { QuarryError } from '../core/errors/index.ts';
import type { CliIo } from './cli-context.ts';
import { registerAskCommand } from './commands/ask.ts';
import { registerChatCommand } from './commands/chat.ts';
import { registerCloudCommands } from './commands/cloud.ts';
import { registerCodegenCommand } from './commands/codegen.ts';
import { registerCrawlCommand } from './commands/crawl.ts';
import { registerEvalCommand } from './commands/eval.ts';
import { registerIndexCommand } from './commands/index-command.ts';
import { registerIngestCommand } from './commands/ingest.ts';
import { registerKeysCommands } from './commands/keys.ts';
import { registerModelsCommands } from './commands/models.ts';
import { registerReposCommands } from './commands/repos.ts';
import { registerSearchCommand } from './commands/search.ts';
import { registerServeCommand } from './commands/serve.ts';
import { registerStatusCommand } from './commands/status.ts';
import { registerSyncCommand } from './commands/sync.ts';
import { registerUsersCommands } from './commands/users.ts';
import { exitCodeFor, exitCodes } from './exit-codes.ts';

/**
 * Runs the `quarry` command line with the given arguments (without `node` and the script) and returns
 * the exit code: 0 ok, 1 some work failed, 2 usage or configuration error.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let exitCode: number = exitCodes.ok;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
    }
    reportError(error, io, program.opts<{ verbose?: boolean }>().verbose === true);
    return exitCodeFor(error);
  }
}

function buildProgram(io: CliIo, setExitCode: (code: number) => void): Command {
  const program = new Command('quarry')
    .description(
      'Quarry: a self-hosted generative-AI workbench that keeps the code your team depends on fresh.',
    )
    .version(quarryVersion)
    .option('--config <file>', 'config file (default: ./quarry.config.yaml, or QUARRY_CONFIG)')
    .option(
      '--home <dir>',
      'data folder: catalog, local object store, models (default: ./.quarry, or QUARRY_HOME)',
    )
    .option('--store <url>', 'object store: file:///absolute/path or s3://bucket/prefix (or QUARRY_STORE)')
    .option('-v, --verbose', 'log debug details and show stack traces')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .addHelpText(
      'after',
      `\nEnvironment variables:\n${environmentSettings.map((setting) => `  ${setting.variable.padEnd(44)}${setting.path}`).join('\n')}\n\nExit codes: 0 ok, 1 some work failed, 2 usage or configuration error.`,
    );
  registerReposCommands(program, io);
  registerSyncCommand(program, io, setExitCode);
  registerIndexCommand(program, io, setExitCode);
  registerIngestCommand(program, io, setExitCode);
  registerCrawlCommand(program, io, setExitCode);
  registerSearchCommand(program, io);
  registerStatusCommand(program, io);
  registerEvalCommand(program, io);
  registerModelsCommands(program, io);
  registerAskCommand(program, io);
  registerChatCommand(program, io);
  registerCodegenCommand(program, io);
  registerCloudCommands(program, io, setExitCode);
  registerUsersCommands(program, io);
  registerKeysCommands(program, io);
  registerServeCommand(program, io);
  for (const command of program.commands) inheritOutput(command, program);
  return program;
}

function inheritOutput(command: Command, parent: Command): void {
  command
    .exitOverride()
    .configureOutput(parent.configureOutput())
    .showHelpAfterError('(run with --help for usage)');
  for (const child of command.commands) inheritOutput(child, command);
}

function reportError(error: unknown, io: CliIo, verbose: boolean): void {
  // The configuration may be what failed to load: the environment's secrets are redacted all the same.
  const redact = redactorFor(io.environment);
  const write = (text: string) => io.stderr(redact(text));
  if (QuarryError.is(error)) {
    write(`error: ${error.message}\n`);
    if (error.hint) write(`hint: ${error.hint}\n`);
  } else {
    write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  if (verbose && error instanceof Error && error.stack) write(`${error.stack}\n`);
}
