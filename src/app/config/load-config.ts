import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseDocument } from 'yaml';
import { type ConfigLayer, type QuarryConfig, resolveConfig } from '../../core/config.ts';
import { ValidationError } from '../../core/errors/index.ts';
import { settingsFromEnvironment } from './environment-settings.ts';

/** Where configuration comes from; everything is passed in so tests need no real environment. */
export interface ConfigSources {
  cwd: string;
  environment: Record<string, string | undefined>;
  /** Settings from command-line flags, as a nested object (highest precedence). */
  flags?: Record<string, unknown>;
  /** `--config`; falls back to `QUARRY_CONFIG`, then `quarry.config.yaml` in `cwd` if it exists. */
  configFile?: string;
  /** Defaults of where Quarry runs (on Lambda: `home` in `/tmp`), below everything else (lowest precedence). */
  defaults?: Record<string, unknown>;
}

/** The configuration plus where its file was, for messages. */
export interface LoadedConfig {
  config: QuarryConfig;
  configFile: string | null;
}

/**
 * Loads the configuration: flag > `QUARRY_*` environment variable > config file > default. Relative
 * paths become absolute (`home` against the working directory, `ignoreFile` against the config file's
 * folder), and the object store defaults to the `objects` folder in `home`.
 */
export function loadConfig(sources: ConfigSources): LoadedConfig {
  const explicit = sources.configFile ?? sources.environment.QUARRY_CONFIG;
  const configFile = explicit ? path.resolve(sources.cwd, explicit) : findDefaultFile(sources.cwd);
  const layers: ConfigLayer[] = [];
  if (sources.defaults) layers.push({ source: 'defaults', values: sources.defaults });
  if (configFile)
    layers.push({
      source: path.basename(configFile),
      values: readConfigFile(configFile, explicit !== undefined),
    });
  layers.push({ source: 'environment', values: settingsFromEnvironment(sources.environment) });
  if (sources.flags) layers.push({ source: 'command line', values: sources.flags });
  const resolved = resolveConfig(layers);
  return { config: absolutize(resolved, sources.cwd, configFile), configFile };
}

function findDefaultFile(cwd: string): string | null {
  const candidate = path.join(cwd, 'quarry.config.yaml');
  try {
    readFileSync(candidate);
    return candidate;
  } catch {
    return null;
  }
}

function readConfigFile(file: string, explicit: boolean): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ValidationError(`The config file ${file} cannot be read (${code}).`, {
      hint: explicit ? 'Check the path given with --config or QUARRY_CONFIG.' : 'Fix the file or remove it.',
    });
  }
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const [firstError] = document.errors;
  if (firstError) {
    const position = firstError.linePos?.[0];
    const where = position ? ` at line ${position.line}, column ${position.col}` : '';
    throw new ValidationError(
      `The config file ${file} is not valid YAML${where}: ${firstError.message.split('\n')[0]}`,
      {
        hint: 'Fix the YAML syntax in that file.',
      },
    );
  }
  const values: unknown = document.toJS() ?? {};
  if (typeof values !== 'object' || Array.isArray(values) || values === null) {
    throw new ValidationError(`The config file ${file} must hold a mapping of settings (key: value).`);
  }
  return values as Record<string, unknown>;
}

function absolutize(config: QuarryConfig, cwd: string, configFile: string | null): QuarryConfig {
  const home = path.resolve(cwd, config.home);
  const configFolder = configFile ? path.dirname(configFile) : cwd;
  const repos = config.sync.repos.map((entry) =>
    typeof entry === 'string' || entry.ignoreFile === undefined
      ? entry
      : { ...entry, ignoreFile: path.resolve(configFolder, entry.ignoreFile) },
  );
  const store = config.store ?? `${pathToFileURL(path.join(home, 'objects')).href}`;
  return Object.freeze({ ...config, home, store, sync: { ...config.sync, repos } });
}
