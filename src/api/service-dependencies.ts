import { randomUUID } from 'node:crypto';
import { indexRepositories } from '../cli/commands/index-command.ts';
import { createProbes, secretsOf } from '../cli/commands/models.ts';
import type { Services } from '../cli/create-services.ts';
import { ValidationError } from '../core/errors/index.ts';
import { createRedactor } from '../core/redact.ts';
import { listModels } from '../models/list-models.ts';
import { configuredModels } from '../models/model-registry.ts';
import { syncAll } from '../sync/sync-all.ts';
import type { AppDependencies, AppSettings, KnowledgeAccess, ModelAccess } from './app-dependencies.ts';
import { createSearchCache, type SearchCache } from './search-cache.ts';
import { createSyncController, type SyncPass } from './sync-controller.ts';

/** What the Node server adds to the services: where it runs, and the model pool. */
export interface ServiceDependencyOptions {
  environment: Record<string, string | undefined>;
  workingDirectory: string;
  /** Opens models; the server's pool, or a test's fixed model. */
  openModel: ModelAccess['open'];
  webApp?: AppDependencies['webApp'];
}

/**
 * Builds the app's dependencies from the CLI's services (the same adapters `quarry` commands use), so the
 * server and the commands always agree on where data lives.
 */
export function dependenciesFromServices(
  services: Services,
  options: ServiceDependencyOptions,
): AppDependencies {
  const { config, logger } = services;
  const searchCache = createSearchCache({
    search: async (request) => (await services.knowledge()).search(request),
    maxEntries: 500,
    ttlMs: config.server.searchCacheSeconds * 1000,
    now: Date.now,
  });
  return {
    catalog: services.catalog,
    store: services.store,
    knowledge: knowledgeAccess(services, searchCache),
    models: {
      open: allowConfiguredModelsOnly(config, options.openModel),
      list: () =>
        listModels({
          models: config.models,
          probes: createProbes(config, { environment: options.environment, cwd: options.workingDirectory }),
          timeoutMs: 3000,
          ...(config.aws.region ? { defaultRegion: config.aws.region } : {}),
          ...(options.environment.OPENAI_API_KEY ? { openAiApiKey: options.environment.OPENAI_API_KEY } : {}),
        }).then((list) => redactList(list, createRedactor(secretsOf(config, options.environment)))),
    },
    sync: createSyncController({
      pass: async (request, onProgress) => {
        await syncAndIndex(services)(request, onProgress);
        // What was indexed must show up in searches now, not when cached results expire.
        searchCache.clear();
      },
      clock: () => new Date(),
      onFailure: (error) => logger.error({ err: error }, `sync failed: ${(error as Error).message}`),
    }),
    logger,
    clock: () => new Date(),
    newId: () => randomUUID(),
    settings: appSettings(services),
    ...(options.webApp ? { webApp: options.webApp } : {}),
  };
}

/**
 * Requests may name only the models the configuration offers (its entries, `local`, and the default):
 * an arbitrary `provider:model` from a request could make the server fetch any URL, parse any local file
 * as a model, or spend the server's cloud credentials on any model.
 */
function allowConfiguredModelsOnly(
  config: Services['config'],
  open: ModelAccess['open'],
): ModelAccess['open'] {
  const allowed = new Set([
    ...configuredModels(config.models).map((model) => model.name),
    config.models.default,
  ]);
  return (reference) => {
    if (reference !== undefined && !allowed.has(reference)) {
      throw new ValidationError(`There is no model named ${JSON.stringify(reference)} on this server.`, {
        hint: `Use one of: ${[...allowed].join(', ')} (GET /api/models), or ask an admin to add it to models.entries.`,
      });
    }
    return open(reference);
  };
}

function appSettings({ config }: Services): AppSettings {
  return {
    maxBodyBytes: config.server.maxBodyBytes,
    maxSourceBytes: config.server.maxSourceBytes,
    sessionTtlMs: config.server.sessionHours * 3_600_000,
    secureCookies: config.server.secureCookies,
    trustedOrigins: config.server.trustedOrigins,
    loginAttempts: config.server.loginAttempts,
    trustedProxies: config.server.trustedProxies,
    loginWindowMs: config.server.loginWindowMinutes * 60_000,
    historyTurns: config.models.historyTurns * 2,
    retrievalK: config.models.retrievalK,
  };
}

function knowledgeAccess(services: Services, cache: SearchCache): KnowledgeAccess {
  return {
    search: (request) => cache.search(request),
    sources: async () => {
      const stats = await (await services.knowledge()).indexStats();
      return stats.sources.map((entry) => entry.source).filter((source) => !source.startsWith('github:'));
    },
    // One tiny keyword query: proves the index opens and answers, without counting a whole large index.
    check: async () => {
      await (await services.knowledge()).search({
        text: 'readiness',
        limit: 1,
        mode: 'keyword',
        filters: {},
      });
    },
  };
}

/** One scheduled or requested pass: sync, then index the repositories that got a new release. */
function syncAndIndex(services: Services): SyncPass {
  return async (request, onProgress) => {
    const context = await services.syncContext(onProgress);
    const results = await syncAll(context, {
      concurrency: services.config.sync.concurrency,
      ...(request.repo ? { repoId: request.repo } : {}),
      ...(request.force ? { force: true } : {}),
    });
    const updated = new Set(
      results.filter((result) => result.status === 'updated').map((result) => result.id),
    );
    if (!services.config.knowledge.indexAfterSync || updated.size === 0) return;
    const repos = (await services.catalog.listRepos()).filter((repo) => updated.has(repo.id));
    const quiet = { stdout: () => {}, stderr: () => {}, environment: {}, cwd: '.', interactive: false };
    const outcome = await indexRepositories(
      await services.knowledge(),
      repos,
      quiet,
      new AbortController().signal,
    );
    for (const failure of outcome.failures) services.logger.error({}, `indexing failed: ${failure}`);
  };
}

function redactList<T>(value: T, redact: (text: string) => string): T {
  return JSON.parse(redact(JSON.stringify(value))) as T;
}
