import type { Command } from 'commander';
import { routeModelWarnings } from '../adapters/ai-sdk/route-model-warnings.ts';
import { loadConfig } from '../adapters/config/load-config.ts';
import { createRedactor } from '../core/redact.ts';
import { urlPassword } from '../core/safe-url.ts';
import { reconcileConfiguredRepos } from '../sync/repo-registry.ts';
import { createLogger } from './create-logger.ts';
import { createServices, type Services } from './create-services.ts';

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

/**
 * Loads the configuration for a command, builds the services, brings the catalog in line with
 * `sync.repos`, runs `action`, and closes everything afterwards.
 */
export async function withServices<T>(
  command: Command,
  io: CliIo,
  action: (services: Services) => Promise<T>,
): Promise<T> {
  const options = command.optsWithGlobals<GlobalOptions>();
  const flags: Record<string, unknown> = {};
  if (options.home) flags.home = options.home;
  if (options.store) flags.store = options.store;
  if (options.verbose) flags.logLevel = 'debug';
  const { config } = loadConfig({
    cwd: io.cwd,
    environment: io.environment,
    flags,
    ...(options.config ? { configFile: options.config } : {}),
  });
  const redact = createRedactor([
    config.github.token,
    config.knowledge.embedding.apiKey,
    urlPassword(config.knowledge.index),
    io.environment.AWS_SECRET_ACCESS_KEY,
    io.environment.AWS_SESSION_TOKEN,
    io.environment.AWS_BEARER_TOKEN_BEDROCK,
    io.environment.OPENAI_API_KEY,
    io.environment.HF_TOKEN,
    ...Object.values(config.models.entries).map((entry) => entry.apiKey),
  ]);
  const format = io.environment.QUARRY_LOG_FORMAT === 'json' ? 'json' : 'human';
  // Progress bars redraw the bottom of the terminal; log lines written meanwhile would be drawn over,
  // so a command showing bars can hold them back (see `Services.holdLogs`).
  let heldLines: string[] | undefined;
  const write = (line: string) => (heldLines ? heldLines.push(line) : io.stderr(line));
  const logger = createLogger({ level: config.logLevel, redact, format, write });
  routeModelWarnings(logger);
  const services = await createServices(config, logger, redact, {
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
    await reconcileConfiguredRepos(services.catalog, config, logger);
    return await action(services);
  } finally {
    await services.close();
  }
}
