import { randomUUID } from 'node:crypto';
import type { AppDependencies, AppSettings, KnowledgeAccess, ModelAccess } from '../api/app-dependencies.ts';
import { createSearchCache, type SearchCache } from '../api/search-cache.ts';
import { createSyncController, type SyncPass } from '../api/sync-controller.ts';
import { ValidationError } from '../core/errors/index.ts';
import { configuredModels } from '../models/model-registry.ts';
import type { Services } from './create-services.ts';
import { listAvailableModels } from './list-available-models.ts';
import { quarryVersion } from './quarry-version.ts';

/** What an entry point adds to the services: how models are opened and whether the web app is served. */
export interface ServiceDependencyOptions {
  /** Opens models; the server's pool, or a test's fixed model. */
  openModel: ModelAccess['open'];
  webApp?: AppDependencies['webApp'];
  /** Starts sync passes; by default in this process (the Node server), see `createSyncController`. */
  sync?: AppDependencies['sync'];
}

/**
 * Builds the HTTP app's dependencies from the services (the same adapters `quarry` commands use), so the
 * server, the Lambda handler and the commands always agree on where data lives.
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
      list: () => listAvailableModels(config, services.surroundings),
    },
    sync:
      options.sync ??
      createSyncController({
        pass: async (request, onProgress) => {
          await syncPass(services)(request, onProgress);
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
    version: quarryVersion,
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
function syncPass(services: Services): SyncPass {
  return async (request, onProgress) => {
    // Loaded on the first pass: the sync and archive code is not needed to answer requests, and the API's
    // Lambda handler starts faster without it.
    const { runSyncPass } = await import('./sync-and-index.ts');
    await runSyncPass(services, {
      ...(request.repo ? { repoId: request.repo } : {}),
      ...(request.force ? { force: true } : {}),
      onProgress,
    });
  };
}
