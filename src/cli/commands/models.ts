import * as path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../adapters/config/load-config.ts';
import type { QuarryConfig } from '../../core/config.ts';
import { createRedactor } from '../../core/redact.ts';
import { urlPassword } from '../../core/safe-url.ts';
import { listModels, type ModelList, type ModelRow } from '../../models/list-models.ts';
import type { ModelProbes } from '../../models/model-probes.ts';
import type { CliIo, GlobalOptions } from '../cli-context.ts';
import { formatTable } from '../format-table.ts';

/** How long each reachability check may take: long enough for a LAN server, short enough to wait for. */
const probeTimeoutMs = 3000;

/** Registers `quarry models` and its subcommand `list`. */
export function registerModelsCommands(program: Command, io: CliIo): void {
  const models = program.command('models').description('language models: configured, discovered, reachable');
  models
    .command('list')
    .description(
      'list configured models and discovered ones (Ollama, Amazon Bedrock, .gguf files in QUARRY_HOME/models), each with whether it is reachable',
    )
    .option('--json', 'print the models as a JSON array')
    .action(async (options: { json?: boolean }, command: Command) => {
      const config = loadCommandConfig(command, io);
      const region = config.aws.region ?? io.environment.AWS_DEFAULT_REGION;
      const openAiApiKey = io.environment.OPENAI_API_KEY;
      const list = await listModels({
        models: config.models,
        probes: createProbes(config, io),
        timeoutMs: probeTimeoutMs,
        ...(region ? { defaultRegion: region } : {}),
        ...(openAiApiKey ? { openAiApiKey } : {}),
      });
      // Details come from servers and SDKs; redacting every known secret once more costs nothing.
      const redact = createRedactor(secretsOf(config, io.environment));
      io.stdout(redact(options.json ? `${JSON.stringify(list.rows, null, 2)}\n` : formatModels(list)));
    });
}

/**
 * Only the configuration: listing models needs no catalog or object store (unlike `withServices`), so
 * it works on a machine where nothing else is set up yet.
 */
function loadCommandConfig(command: Command, io: CliIo): QuarryConfig {
  const options = command.optsWithGlobals<GlobalOptions>();
  const flags: Record<string, unknown> = {};
  if (options.home) flags.home = options.home;
  if (options.store) flags.store = options.store;
  return loadConfig({
    cwd: io.cwd,
    environment: io.environment,
    flags,
    ...(options.config ? { configFile: options.config } : {}),
  }).config;
}

/** The adapters behind each check, each imported on first use so the AWS SDK loads only when needed. */
export function createProbes(config: QuarryConfig, io: Pick<CliIo, 'environment' | 'cwd'>): ModelProbes {
  const modelsFolder = path.join(config.home, 'models');
  const timeoutMs = probeTimeoutMs;
  const ollama = () => import('../../adapters/ollama/ollama-tags.ts');
  const files = () => import('../../adapters/fs/gguf-files.ts');
  return {
    listServerModels: async (baseURL, apiKey) =>
      (await ollama()).listOpenAiModels(baseURL, apiKey, { timeoutMs }),
    listOllamaModels: async (baseURL, apiKey) =>
      (await ollama()).listOllamaModels(baseURL, { timeoutMs, ...(apiKey === undefined ? {} : { apiKey }) }),
    listBedrockModels: async (region) => {
      const { listBedrockFoundationModels } = await import(
        '../../adapters/bedrock/bedrock-foundation-models.ts'
      );
      return listBedrockFoundationModels({ region, environment: io.environment, timeoutMs });
    },
    locateModelFile: async (specification) =>
      (await files()).locateModelFile(specification, { modelsFolder, workingDirectory: io.cwd }),
    listGgufFiles: async () => (await files()).listGgufFiles(modelsFolder),
  };
}

/** Every secret a model listing could echo (keys, URL passwords, AWS and Hugging Face tokens). */
export function secretsOf(
  config: QuarryConfig,
  environment: Record<string, string | undefined>,
): Array<string | undefined> {
  const entries = Object.values(config.models.entries);
  return [
    ...entries.map((entry) => entry.apiKey),
    ...entries.map((entry) => urlPassword(entry.baseURL ?? '')),
    urlPassword(config.models.baseURL),
    environment.OPENAI_API_KEY,
    environment.AWS_SECRET_ACCESS_KEY,
    environment.AWS_SESSION_TOKEN,
    environment.AWS_BEARER_TOKEN_BEDROCK,
    environment.HF_TOKEN,
  ];
}

function formatModels(list: ModelList): string {
  const rows = list.rows.map((row) => [
    `${row.isDefault ? '*' : ' '} ${row.name}`,
    row.provider,
    row.name === row.model || row.name.endsWith(`:${row.model}`) ? '' : row.model,
    row.origin,
    row.reachable ? 'yes' : 'no',
    row.detail,
  ]);
  const table = formatTable(['  NAME', 'PROVIDER', 'MODEL', 'ORIGIN', 'REACHABLE', 'DETAIL'], rows);
  const lines = [table, '', summary(list.rows)];
  if (list.notes.length > 0)
    lines.push('', 'Not searched or nothing found:', ...list.notes.map((note) => `  ${note}`));
  return `${lines.join('\n')}\n`;
}

function summary(rows: ModelRow[]): string {
  const reachable = rows.filter((row) => row.reachable).length;
  const marker = rows.some((row) => row.isDefault)
    ? ' * marks the default (models.default; --model overrides it).'
    : '';
  return `${reachable} of ${rows.length} reachable.${marker} Pass a NAME to --model.`;
}
