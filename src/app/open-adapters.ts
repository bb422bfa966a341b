import * as path from 'node:path';
import { createSqliteSearchIndex } from '../adapters/sqlite/sqlite-search-index.ts';
import type { Ec2Control } from '../core/ports/ec2-control.ts';
import type { EmbeddingRuntime } from '../core/ports/embedding-runtime.ts';
import type { SearchIndex } from '../core/ports/search-index.ts';
import type { Services } from './create-services.ts';

/**
 * The embedding model of `knowledge.embedding`, or `undefined` when none is configured. The model SDKs
 * load only here, when asked for.
 */
export async function openEmbeddingRuntime(services: Services): Promise<EmbeddingRuntime | undefined> {
  const { config, surroundings } = services;
  const settings = config.knowledge.embedding;
  if (settings.provider === 'none') return undefined;
  const { createEmbeddingRuntime } = await import('../adapters/ai-sdk/create-embedding-runtime.ts');
  return createEmbeddingRuntime(settings, {
    modelsFolder: path.join(config.home, 'models'),
    environment: surroundings.environment,
    workingDirectory: surroundings.cwd,
    ...(config.aws.region ? { region: config.aws.region } : {}),
  });
}

/** A throw-away SQLite search index in `file` (retrieval evaluations build one per run). */
export function createScratchSearchIndex(file: string): SearchIndex {
  return createSqliteSearchIndex({ path: file });
}

/**
 * EC2 in `region` when AWS credentials are found in the environment (`AWS_ENDPOINT_URL_EC2` points it at
 * a stand-in), or `undefined` without credentials.
 */
export async function openEc2Control(services: Services, region: string): Promise<Ec2Control | undefined> {
  const { environment } = services.surroundings;
  // Loaded here, not at the top: the EC2 SDK takes a second to import, which every other command would pay.
  const { findAwsCredentials } = await import('../adapters/ec2/aws-credentials.ts');
  const { createEc2Control } = await import('../adapters/ec2/create-ec2-control.ts');
  const credentials = await findAwsCredentials(environment);
  if (credentials === undefined) return undefined;
  const endpoint = environment.AWS_ENDPOINT_URL_EC2 ?? environment.AWS_ENDPOINT_URL;
  return createEc2Control({ region, credentials, ...(endpoint ? { endpoint } : {}) });
}
