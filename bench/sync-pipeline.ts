// Child process of the sync benchmark: runs Quarry's real sync pipeline (the same services the CLI
// builds) for one repository and prints its duration and peak memory as JSON on the last line.
import { openQuarry } from '../src/app/open-quarry.ts';
import { syncAll } from '../src/sync/sync-all.ts';

const services = await openQuarry({
  cwd: process.cwd(),
  environment: process.env,
  // The sync alone, as before indexing joined the steps: `tar -xzf` indexes nothing either.
  flags: { logLevel: 'warn', knowledge: { indexAfterSync: false } },
  logFormat: 'human',
  write: (line) => process.stderr.write(line),
});
const context = await services.syncContext();
const started = performance.now();
const [result] = await syncAll(context, { concurrency: 1 });
const durationMs = performance.now() - started;
await services.close();
console.log(JSON.stringify({ durationMs, maxRssBytes: process.resourceUsage().maxRSS * 1024, result }));
