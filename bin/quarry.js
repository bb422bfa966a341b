#!/usr/bin/env node
// The `quarry` command. Quarry is written in TypeScript and runs through tsx's loader, so the command
// always runs the source it ships with (no separate build step to forget).
import { register } from 'tsx/esm/api';

register();
// The AWS SDK announces on every run that its releases from 2027 need Node 22. Quarry pins SDK versions
// that support Node 20 (see package.json), so the notice is noise in the output of every AWS command.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  if (String(warning).startsWith('NodeVersionSupportWarning')) return;
  emitWarning(warning, ...rest);
};
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
