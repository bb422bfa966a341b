import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';

const bin = path.resolve(import.meta.dirname, '../../bin/quarry.js');

/** The outcome of one `quarry` invocation. */
export interface QuarryRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Environment for a CLI run: a clean one (no user config leaking in) plus what the test sets. */
export function cliEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const { PATH, HOME, TMPDIR } = process.env;
  return { PATH, HOME, TMPDIR, QUARRY_LOG_LEVEL: 'info', ...extra };
}

/** Starts `node bin/quarry.js …` as a child process (for tests that signal or race it). */
export function startQuarry(
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): ChildProcess & { result: Promise<QuarryRun> } {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const result = new Promise<QuarryRun>((resolve) => {
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return Object.assign(child, { result });
}

/** Runs `quarry …` to completion. */
export function runQuarry(
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<QuarryRun> {
  return startQuarry(args, options).result;
}
