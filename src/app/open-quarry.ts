import { routeModelWarnings } from '../adapters/ai-sdk/route-model-warnings.ts';
import { reconcileConfiguredRepos } from '../sync/repo-registry.ts';
import { type ConfigSources, loadConfig } from './config/load-config.ts';
import { createLogger } from './create-logger.ts';
import { createServices, type Services } from './create-services.ts';
import { redactorFor } from './secrets.ts';

export { environmentSettings } from './config/environment-settings.ts';
export type { ConfigSources } from './config/load-config.ts';

/**
 * Reads the configuration (flag > `QUARRY_*` variable > config file > default) without opening anything:
 * for commands that need no catalog or store, such as `quarry models list`.
 */
export const loadQuarryConfig = loadConfig;

/** What {@link openQuarry} needs besides the configuration's sources. */
export interface OpenQuarryOptions extends ConfigSources {
  /** `human` lines for a terminal, `json` lines for log collectors (CloudWatch, `QUARRY_LOG_FORMAT=json`). */
  logFormat: 'human' | 'json';
  /** Where log lines go. */
  write: (line: string) => void;
  /** Holds log lines back while progress bars are drawn (the CLI's). */
  holdLogs?: Services['holdLogs'];
}

/**
 * The composition root every entry point starts from (the CLI, `quarry serve`, each Lambda handler):
 * configuration, the one redactor of secrets, the logger, the adapters, and the catalog brought in line
 * with `sync.repos`. Close the services when done.
 */
export async function openQuarry(options: OpenQuarryOptions): Promise<Services> {
  const { config } = loadConfig(options);
  const redact = redactorFor(options.environment, config);
  const logger = createLogger({
    level: config.logLevel,
    redact,
    format: options.logFormat,
    write: options.write,
  });
  routeModelWarnings(logger);
  const services = await createServices(config, {
    logger,
    redact,
    surroundings: { environment: options.environment, cwd: options.cwd },
    ...(options.holdLogs ? { holdLogs: options.holdLogs } : {}),
  });
  try {
    await reconcileConfiguredRepos(services.catalog, config, logger);
  } catch (error) {
    await services.close().catch(() => undefined);
    throw error;
  }
  return services;
}
