import type { Command } from 'commander';
import type { Services } from '../app/create-services.ts';
import { type ConfigSources, openQuarry } from '../app/open-quarry.ts';

/** The process's surroundings, passed in so the CLI can be driven from tests. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  environment: Record<string, string | undefined>;
  cwd: string;
  /** True when standard error is a terminal (progress bars instead of plain lines). */
  interactive: boolean;
  /** Where `quarry chat` reads questions from; absent when there is no input (tests of other commands). */
  stdin?: NodeJS.ReadableStream;
}

/** Options every command accepts. */
export interface GlobalOptions {
  config?: string;
  home?: string;
  store?: string;
  verbose?: boolean;
}

/** Where a command's configuration comes from: the global flags, the environment and the working folder. */
export function configSourcesOf(command: Command, io: CliIo): ConfigSources {
  const options = command.optsWithGlobals<GlobalOptions>();
  const flags: Record<string, unknown> = {};
  if (options.home) flags.home = options.home;
  if (options.store) flags.store = options.store;
  if (options.verbose) flags.logLevel = 'debug';
  return {
    cwd: io.cwd,
    environment: io.environment,
    flags,
    ...(options.config ? { configFile: options.config } : {}),
  };
}

/**
 * Opens Quarry for a command (configuration, logger, adapters, the catalog in line with `sync.repos`),
 * runs `action`, and closes everything afterwards.
 */
export async function withServices<T>(
  command: Command,
  io: CliIo,
  action: (services: Services) => Promise<T>,
): Promise<T> {
  // Progress bars redraw the bottom of the terminal; log lines written meanwhile would be drawn over,
  // so a command showing bars can hold them back (see `Services.holdLogs`).
  let heldLines: string[] | undefined;
  const services = await openQuarry({
    ...configSourcesOf(command, io),
    logFormat: io.environment.QUARRY_LOG_FORMAT === 'json' ? 'json' : 'human',
    write: (line) => (heldLines ? heldLines.push(line) : io.stderr(line)),
    holdLogs() {
      heldLines ??= [];
      return () => {
        const lines = heldLines ?? [];
        heldLines = undefined;
        for (const line of lines) io.stderr(line);
      };
    },
  });
  try {
    return await action(services);
  } finally {
    await services.close();
  }
}
