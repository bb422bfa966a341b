import type { Command } from 'commander';
import { ValidationError } from '../core/errors/index.ts';
import type { SearchMode } from '../core/ports/search-index.ts';

export { filtersFrom, type SearchFilterOptions } from '../knowledge/search-filters.ts';

const modes: readonly SearchMode[] = ['keyword', 'vector', 'hybrid'];

/** Collects repeated or comma-separated option values. */
export function collect(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean),
  ];
}

/** Adds `--repo`, `--version`, `--source`, `--lang`, `--path`, `--mode` and `--all-versions`. */
export function addSearchFilterOptions(command: Command): Command {
  return command
    .option('--repo <owner/name>', 'only this repository (repeatable)', collect)
    .option('--version <tag>', 'only this version (repeatable); archived versions included', collect)
    .option('--source <name>', 'only this source, e.g. local or github:owner/name (repeatable)', collect)
    .option('--lang <language>', 'only this language, e.g. typescript, markdown (repeatable)', collect)
    .option('--path <glob>', "only paths matching the glob, e.g. 'src/**/*.ts'")
    .option('--mode <mode>', 'keyword, vector or hybrid (default: hybrid when vectors exist)')
    .option('--all-versions', 'include archived versions');
}

/** `--k` as a whole number from 1 to `maximum`. */
export function parseLimit(text: string, maximum: number): number {
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 1 || limit > maximum) {
    throw new ValidationError(`--k takes a whole number from 1 to ${maximum}, got ${JSON.stringify(text)}.`);
  }
  return limit;
}

/** `--mode`, checked. */
export function parseMode(text: string | undefined): SearchMode | undefined {
  if (text === undefined) return undefined;
  if (!modes.includes(text as SearchMode)) {
    throw new ValidationError(`--mode takes keyword, vector or hybrid, got ${JSON.stringify(text)}.`);
  }
  return text as SearchMode;
}
