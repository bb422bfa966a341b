import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger as PinoLogger } from 'pino';
import { createLocalObjectStore } from '../adapters/fs/local-object-store.ts';
import { createLogNotifier } from '../adapters/log/log-notifier.ts';
import { createWebhookNotifier } from '../adapters/webhook/webhook-notifier.ts';
import type { LockIdentity } from '../core/catalog-lock.ts';
import type { QuarryConfig } from '../core/config.ts';
import { createFanOutNotifier } from '../core/fan-out-notifier.ts';
import type { Catalog } from '../core/ports/catalog.ts';
import type { Notifier } from '../core/ports/notifier.ts';
import type { ObjectStore } from '../core/ports/object-store.ts';
import type { Redactor } from '../core/redact.ts';
import type { CrawlDependencies } from '../crawl/crawl-site.ts';
import type { IndexReport } from '../knowledge/index-report.ts';
import type { KnowledgeBase } from '../knowledge/knowledge-base.ts';
import type { SyncAndIndexContext } from '../sync/sync-and-index.ts';
import type { SyncContext, SyncProgress } from '../sync/sync-types.ts';
import { createCatalog } from './create-catalog.ts';
import { createKnowledgeBase } from './create-knowledge-base.ts';
import type { ProcessSurroundings } from './list-available-models.ts';
import { quarryVersion } from './quarry-version.ts';

/** The adapters chosen for this configuration; close them when done. */
export interface Services {
  config: QuarryConfig;
  /** The environment and working folder the services were built for (model credentials, relative paths). */
  surroundings: ProcessSurroundings;
  catalog: Catalog;
  store: ObjectStore;
  logger: PinoLogger;
  redact: Redactor;
  close(): Promise<void>;
  /** Holds log lines back (while progress bars are drawn); the returned function prints them. */
  holdLogs(): () => void;
  /** The knowledge base (opens the search index and the embedding model on first use). */
  knowledge(): Promise<KnowledgeBase>;
  /** Everything `crawlSite` needs (the crawler itself is loaded on first use). */
  crawlDependencies(): Promise<CrawlDependencies>;
  /**
   * Everything the sync steps need (loads the GitHub client on first use), with the knowledge base as the
   * indexer when `knowledge.indexAfterSync` is on.
   */
  syncContext(onProgress?: (progress: SyncProgress) => void): Promise<SyncAndIndexContext<IndexReport>>;
}

/** Identifies this process in locks, apart from earlier processes that had the same pid. */
const processInstance = randomUUID();

/** What {@link createServices} builds from, besides the configuration. */
export interface ServiceSources {
  logger: PinoLogger;
  redact: Redactor;
  surroundings: ProcessSurroundings;
  /** Holds log lines back while progress bars are drawn (the CLI's); by default lines are never held. */
  holdLogs?: Services['holdLogs'];
}

/**
 * Picks the adapters from the configuration: the one place that decides SQLite vs DynamoDB, folder vs
 * S3, and so on. SDK-heavy adapters (AWS, Octokit) are imported only when used, so quick commands start
 * quickly.
 */
export async function createServices(config: QuarryConfig, sources: ServiceSources): Promise<Services> {
  const { logger, redact, surroundings } = sources;
  const catalog = await createCatalog(config);
  const store = await createStore(config).catch(async (error: unknown) => {
    await catalog.close();
    throw error;
  });
  let knowledge: Promise<KnowledgeBase> | undefined;
  const knowledgeOf = () => {
    knowledge ??= createKnowledgeBase({
      config,
      catalog,
      store,
      redact,
      environment: surroundings.environment,
    });
    return knowledge;
  };
  return {
    config,
    surroundings,
    catalog,
    store,
    logger,
    redact,
    knowledge: knowledgeOf,
    close: async () => {
      if (knowledge) await (await knowledge.catch(() => undefined))?.close();
      await catalog.close();
    },
    holdLogs: sources.holdLogs ?? (() => () => {}),
    crawlDependencies: async () => {
      const base = await knowledgeOf();
      return {
        catalog,
        openPageWriter: (source) => base.openPageWriter(source),
        settings: config.crawl,
        clock: () => new Date(),
        redact,
        lock: lockIdentity(config, surroundings),
      };
    },
    syncContext: async (onProgress) => ({
      ...(config.knowledge.indexAfterSync ? indexing(knowledgeOf) : {}),
      ...(await syncAdapters(config, logger)),
      catalog,
      store,
      logger,
      redact,
      clock: () => new Date(),
      newRunId: () => `${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`,
      readFile: (file) => readFile(file),
      scratchFolder: path.join(config.home, 'tmp'),
      limits: {
        maxDownloadBytes: config.sync.maxDownloadBytes,
        maxExtractedBytes: config.sync.maxExtractedBytes,
        maxFiles: config.sync.maxFiles,
      },
      lock: lockIdentity(config, surroundings),
      ...(onProgress ? { onProgress } : {}),
    }),
  };
}

/**
 * The knowledge base as the sync's indexer (`knowledge.indexAfterSync`): each new release is indexed right
 * after its promotion, then missing vectors are filled once per pass. The base opens on first use, so a
 * pass that finds nothing new never opens it.
 */
function indexing(
  knowledgeOf: () => Promise<KnowledgeBase>,
): Pick<SyncAndIndexContext<IndexReport>, 'indexRelease' | 'fillVectors'> {
  return {
    indexRelease: async (repo, signal) =>
      (await knowledgeOf()).indexRepository(repo, signal ? { signal } : {}),
    fillVectors: async (signal) => {
      await (await knowledgeOf()).fillVectors(signal ? { signal } : {});
    },
  };
}

/**
 * How this process marks the catalog locks it takes (one sync per repository, one crawl per site). On AWS
 * Lambda every execution environment may have the same host name and pid, so the log stream (one per
 * environment) is part of the host: a live lock of another environment is never mistaken for a dead one.
 */
function lockIdentity(config: QuarryConfig, surroundings: ProcessSurroundings): LockIdentity {
  const environmentName = surroundings.environment.AWS_LAMBDA_LOG_STREAM_NAME;
  return {
    pid: process.pid,
    host: environmentName ? `${hostname()}/${environmentName}` : hostname(),
    instance: processInstance,
    staleAfterMs: config.sync.lockTimeoutMinutes * 60_000,
    isProcessAlive,
    newToken: () => randomUUID(),
    clock: () => new Date(),
  };
}

async function syncAdapters(
  config: QuarryConfig,
  logger: PinoLogger,
): Promise<Pick<SyncContext, 'releases' | 'notifier'>> {
  const { createGitHubReleaseSource } = await import('../adapters/github/github-release-source.ts');
  const releases = createGitHubReleaseSource({
    apiUrl: config.github.apiUrl,
    ...(config.github.token ? { token: config.github.token } : {}),
    maxRateLimitWaitSeconds: config.github.maxRateLimitWaitSeconds,
    retries: config.github.retries,
    userAgent: `quarry/${quarryVersion}`,
    logger,
  });
  return { releases, notifier: await createNotifier(config, logger) };
}

async function createStore(config: QuarryConfig): Promise<ObjectStore> {
  const location = config.store ?? '';
  if (location.startsWith('file://')) return createLocalObjectStore({ root: fileURLToPath(location) });
  const { createS3ObjectStore, parseS3Url } = await import('../adapters/s3/s3-object-store.ts');
  const { bucket, prefix } = parseS3Url(location);
  return createS3ObjectStore({
    bucket,
    prefix,
    ...(config.aws.region ? { region: config.aws.region } : {}),
    ...(config.aws.endpointUrlS3 ? { endpoint: config.aws.endpointUrlS3, forcePathStyle: true } : {}),
  });
}

async function createNotifier(config: QuarryConfig, logger: PinoLogger): Promise<Notifier> {
  const notifiers: Notifier[] = [createLogNotifier(logger)];
  for (const url of config.notify.webhooks)
    notifiers.push(createWebhookNotifier({ url, timeoutMs: config.notify.timeoutMs }));
  if (config.notify.snsTopicArn) {
    const { createSnsNotifier } = await import('../adapters/sns/sns-notifier.ts');
    notifiers.push(
      createSnsNotifier({
        topicArn: config.notify.snsTopicArn,
        timeoutMs: config.notify.timeoutMs,
        ...(config.aws.region ? { region: config.aws.region } : {}),
      }),
    );
  }
  return createFanOutNotifier(notifiers, logger);
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
