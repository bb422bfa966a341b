// Child process of the sync benchmark: runs Quarry's real sync pipeline (the same services the CLI
// builds) for one repository and prints its duration and peak memory as JSON on the last line.
import { loadConfig } from '../src/adapters/config/load-config.ts';
import { createLogger } from '../src/cli/create-logger.ts';
import { createServices } from '../src/cli/create-services.ts';
import { createRedactor } from '../src/core/redact.ts';
import { reconcileConfiguredRepos } from '../src/sync/repo-registry.ts';
import { syncAll } from '../src/sync/sync-all.ts';

const { config } = loadConfig({ cwd: process.cwd(), environment: process.env });
const redact = createRedactor([]);
const logger = createLogger({ level: 'warn', redact, format: 'human' });
const services = await createServices(config, logger, redact);
await reconcileConfiguredRepos(services.catalog, config, logger);
const context = await services.syncContext();
const started = performance.now();
const [result] = await syncAll(context, { concurrency: 1 });
const durationMs = performance.now() - started;
await services.close();
console.log(JSON.stringify({ durationMs, maxRssBytes: process.resourceUsage().maxRSS * 1024, result }));
