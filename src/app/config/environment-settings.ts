/**
 * Environment variables Quarry reads, and the config path each one sets. Kept as one table so the README
 * and `quarry --help` can list exactly what is supported.
 */
export const environmentSettings: ReadonlyArray<{ variable: string; path: string }> = [
  { variable: 'QUARRY_HOME', path: 'home' },
  { variable: 'QUARRY_STORE', path: 'store' },
  { variable: 'QUARRY_CATALOG', path: 'catalog.location' },
  { variable: 'QUARRY_CATALOG_CREATE_TABLES', path: 'catalog.createTables' },
  { variable: 'QUARRY_LOG_LEVEL', path: 'logLevel' },
  { variable: 'QUARRY_GITHUB_API_URL', path: 'github.apiUrl' },
  { variable: 'GITHUB_TOKEN', path: 'github.token' },
  { variable: 'QUARRY_GITHUB_TOKEN', path: 'github.token' },
  { variable: 'QUARRY_GITHUB_MAX_RATE_LIMIT_WAIT_SECONDS', path: 'github.maxRateLimitWaitSeconds' },
  { variable: 'QUARRY_GITHUB_RETRIES', path: 'github.retries' },
  { variable: 'QUARRY_SYNC_REPOS', path: 'sync.repos' },
  { variable: 'QUARRY_SYNC_MAX_DOWNLOAD_BYTES', path: 'sync.maxDownloadBytes' },
  { variable: 'QUARRY_SYNC_MAX_EXTRACTED_BYTES', path: 'sync.maxExtractedBytes' },
  { variable: 'QUARRY_SYNC_MAX_FILES', path: 'sync.maxFiles' },
  { variable: 'QUARRY_SYNC_INTERVAL_MINUTES', path: 'sync.intervalMinutes' },
  { variable: 'QUARRY_SYNC_CONCURRENCY', path: 'sync.concurrency' },
  { variable: 'QUARRY_SYNC_LOCK_TIMEOUT_MINUTES', path: 'sync.lockTimeoutMinutes' },
  { variable: 'QUARRY_NOTIFY_WEBHOOKS', path: 'notify.webhooks' },
  { variable: 'QUARRY_NOTIFY_SNS_TOPIC_ARN', path: 'notify.snsTopicArn' },
  { variable: 'QUARRY_INDEX', path: 'knowledge.index' },
  { variable: 'QUARRY_INDEX_AFTER_SYNC', path: 'knowledge.indexAfterSync' },
  { variable: 'QUARRY_KEEP_ARCHIVED_VERSIONS', path: 'knowledge.keepArchivedVersions' },
  { variable: 'QUARRY_MAX_FILE_BYTES', path: 'knowledge.maxFileBytes' },
  { variable: 'QUARRY_CHUNK_CHARACTERS', path: 'knowledge.chunkCharacters' },
  { variable: 'QUARRY_EMBEDDING_PROVIDER', path: 'knowledge.embedding.provider' },
  { variable: 'QUARRY_EMBEDDING_MODEL', path: 'knowledge.embedding.model' },
  { variable: 'QUARRY_EMBEDDING_BASE_URL', path: 'knowledge.embedding.baseUrl' },
  { variable: 'QUARRY_EMBEDDING_API_KEY', path: 'knowledge.embedding.apiKey' },
  { variable: 'QUARRY_EMBEDDING_DIMENSIONS', path: 'knowledge.embedding.dimensions' },
  { variable: 'QUARRY_EMBEDDING_BATCH_SIZE', path: 'knowledge.embedding.batchSize' },
  { variable: 'QUARRY_MODEL', path: 'models.default' },
  { variable: 'QUARRY_MODEL_BASE_URL', path: 'models.baseURL' },
  { variable: 'QUARRY_MODEL_CONTEXT_TOKENS', path: 'models.contextTokens' },
  { variable: 'QUARRY_MODEL_MAX_OUTPUT_TOKENS', path: 'models.maxOutputTokens' },
  { variable: 'QUARRY_MODEL_TIMEOUT_MS', path: 'models.requestTimeoutMs' },
  { variable: 'QUARRY_MODEL_THREADS', path: 'models.threads' },
  { variable: 'QUARRY_HOST', path: 'server.host' },
  { variable: 'QUARRY_PORT', path: 'server.port' },
  { variable: 'QUARRY_TRUSTED_ORIGINS', path: 'server.trustedOrigins' },
  { variable: 'QUARRY_SECURE_COOKIES', path: 'server.secureCookies' },
  { variable: 'QUARRY_TRUSTED_PROXIES', path: 'server.trustedProxies' },
  { variable: 'QUARRY_SCHEDULE', path: 'server.schedule' },
  { variable: 'AWS_REGION', path: 'aws.region' },
  { variable: 'AWS_ENDPOINT_URL_S3', path: 'aws.endpointUrlS3' },
  { variable: 'AWS_ENDPOINT_URL_DYNAMODB', path: 'aws.endpointUrlDynamoDb' },
];

/** Builds a nested settings object from the variables that are set (and not empty). */
export function settingsFromEnvironment(
  environment: Record<string, string | undefined>,
): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const { variable, path } of environmentSettings) {
    const value = environment[variable];
    if (value === undefined || value.trim() === '') continue;
    setPath(settings, path, value);
  }
  return settings;
}

/** Sets `a.b.c` in a nested object, creating the objects on the way. */
export function setPath(target: Record<string, unknown>, dottedPath: string, value: unknown): void {
  const keys = dottedPath.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const child = node[key];
    node[key] = typeof child === 'object' && child !== null ? child : {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1] as string] = value;
}
