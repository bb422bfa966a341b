import { homedir } from 'node:os';
import * as path from 'node:path';
import type { CliIo } from './cli-context.ts';

/**
 * Where Quarry keeps caches that any project may share (the compact CloudFormation specification):
 * `$XDG_CACHE_HOME/quarry`, else `~/.cache/quarry`. Not `QUARRY_HOME`, so linting templates in a project
 * folder leaves no `.quarry` folder behind.
 */
export function cacheFolder(io: CliIo): string {
  const base = io.environment.XDG_CACHE_HOME || path.join(io.environment.HOME || homedir(), '.cache');
  return path.join(base, 'quarry');
}
