#!/usr/bin/env node
// The `quarry` command. Quarry is written in TypeScript and runs through tsx's loader, so the command
// always runs the source it ships with (no separate build step to forget).
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/cli/main.ts');
const exitCode = await runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  environment: process.env,
  cwd: process.cwd(),
  interactive: process.stderr.isTTY === true,
  stdin: process.stdin,
});
process.exitCode = exitCode;
