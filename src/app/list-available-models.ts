import * as path from 'node:path';
import type { QuarryConfig } from '../core/config.ts';
import { listModels, type ModelList } from '../models/list-models.ts';
import type { ModelProbes } from '../models/model-probes.ts';
import { redactorFor } from './secrets.ts';

/** How long each reachability check may take: long enough for a LAN server, short enough to wait for. */
const probeTimeoutMs = 3000;

/** Where the process runs: the environment (credentials, regions) and the folder relative paths start in. */
export interface ProcessSurroundings {
  environment: Record<string, string | undefined>;
  cwd: string;
}

/**
 * Configured and discovered models with reachability, for `quarry models list` and `GET /api/models`.
 * Details come from servers and SDKs, so every known secret is redacted from the list once more.
 */
export async function listAvailableModels(
  config: QuarryConfig,
  surroundings: ProcessSurroundings,
): Promise<ModelList> {
  const { environment } = surroundings;
  const region = config.aws.region ?? environment.AWS_DEFAULT_REGION;
  const list = await listModels({
    models: config.models,
    probes: createModelProbes(config, surroundings),
    timeoutMs: probeTimeoutMs,
    ...(region ? { defaultRegion: region } : {}),
    ...(environment.OPENAI_API_KEY ? { openAiApiKey: environment.OPENAI_API_KEY } : {}),
  });
  const redact = redactorFor(environment, config);
  return JSON.parse(redact(JSON.stringify(list))) as ModelList;
}

/** The adapters behind each check, each imported on first use so the AWS SDK loads only when needed. */
function createModelProbes(config: QuarryConfig, surroundings: ProcessSurroundings): ModelProbes {
  const modelsFolder = path.join(config.home, 'models');
  const timeoutMs = probeTimeoutMs;
  const ollama = () => import('../adapters/ollama/ollama-tags.ts');
  const files = () => import('../adapters/fs/gguf-files.ts');
  return {
    listServerModels: async (baseURL, apiKey) =>
      (await ollama()).listOpenAiModels(baseURL, apiKey, { timeoutMs }),
    listOllamaModels: async (baseURL, apiKey) =>
      (await ollama()).listOllamaModels(baseURL, { timeoutMs, ...(apiKey === undefined ? {} : { apiKey }) }),
    listBedrockModels: async (region) => {
      const { listBedrockFoundationModels } = await import(
        '../adapters/bedrock/bedrock-foundation-models.ts'
      );
      return listBedrockFoundationModels({ region, environment: surroundings.environment, timeoutMs });
    },
    locateModelFile: async (specification) =>
      (await files()).locateModelFile(specification, { modelsFolder, workingDirectory: surroundings.cwd }),
    listGgufFiles: async () => (await files()).listGgufFiles(modelsFolder),
  };
}
