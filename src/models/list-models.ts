import { formatByteSize } from '../core/byte-size.ts';
import type { LanguageProvider, ModelsConfig, ResolvedModel } from '../core/model-config.ts';
import { describeUrlSafely } from '../core/safe-url.ts';
import { guardProbes, type ModelProbes, type OllamaTag } from './model-probes.ts';
import { configuredModels, resolveModel } from './model-registry.ts';

/** One line of `quarry models list`. */
export interface ModelRow {
  /** What to pass to `--model`: an entry name, `local`, or `provider:model-id` for a discovered model. */
  name: string;
  provider: LanguageProvider;
  model: string;
  origin: 'configured' | 'built-in' | 'discovered';
  isDefault: boolean;
  /** Whether the model can be used right now, without downloading anything. */
  reachable: boolean;
  /** Why it is or is not reachable, for people; never contains a secret. */
  detail: string;
}

/** Options of {@link listModels}. */
export interface ListModelsOptions {
  models: ModelsConfig;
  probes: ModelProbes;
  /** `aws.region` (or `AWS_REGION`): for Bedrock entries without a region, and Bedrock discovery. */
  defaultRegion?: string;
  /** `OPENAI_API_KEY`, for openai entries without an `apiKey`. */
  openAiApiKey?: string;
  /** Each probe gets this long. Default 3000. */
  timeoutMs?: number;
}

/** The rows, plus notes on discovery sources that could not be searched. */
export interface ModelList {
  rows: ModelRow[];
  notes: string[];
}

/** A row before de-duplication, with a key naming the model on its server. */
interface KeyedRow extends ModelRow {
  key: string;
}

const openAiBaseURL = 'https://api.openai.com/v1';

/**
 * Lists the configured models (entries, the built-in `local` model, and an ad-hoc `models.default`), each
 * checked for reachability, followed by models discovered but not configured: Ollama tags at
 * `models.baseURL` and at every openai-compatible entry's server, Bedrock's text models, and `.gguf` files
 * in the models folder. All probes run at once, each at most `timeoutMs`; the same server is asked once.
 * Nothing here throws for lack of a model or a network: an unreachable model is a row saying why.
 */
export async function listModels(options: ListModelsOptions): Promise<ModelList> {
  const probes = guardProbes(options.probes, options.timeoutMs ?? 3000);
  const context: Context = { ...options, probes, notes: [] };
  const [configured, discovered] = await Promise.all([
    Promise.all(configuredReferences(context).map((resolved) => checkConfigured(resolved, context))),
    discover(context),
  ]);
  const known = new Set(configured.map((row) => row.key));
  const rows: KeyedRow[] = [...configured];
  for (const row of discovered) {
    if (known.has(row.key)) continue;
    known.add(row.key);
    rows.push(row);
  }
  return { rows: rows.map(({ key: _key, ...row }) => row), notes: context.notes };
}

interface Context extends ListModelsOptions {
  notes: string[];
}

/** The entries and built-in model, plus `models.default` when it is a `provider:model` reference. */
function configuredReferences(context: Context): ResolvedModel[] {
  const references = configuredModels(context.models);
  const wanted = context.models.default;
  if (
    references.some((resolved) => resolved.name === wanted || resolved.name === defaultName(context.models))
  )
    return references;
  try {
    return [...references, resolveModel(context.models, wanted)];
  } catch {
    context.notes.push(`models.default "${wanted}" names no configured entry and is not provider:model-id.`);
    return references;
  }
}

/** The name `models.default` resolves to (ad-hoc references are shown without secrets). */
function defaultName(models: Context['models']): string {
  try {
    return resolveModel(models).name;
  } catch {
    return models.default;
  }
}

async function checkConfigured(resolved: ResolvedModel, context: Context): Promise<KeyedRow> {
  const { entry, name } = resolved;
  return {
    name,
    provider: entry.provider,
    model: displayModel(entry.model),
    origin: resolved.origin === 'built-in' ? 'built-in' : 'configured',
    isDefault: name === defaultName(context.models),
    ...(await checkReachable(resolved, context)),
  };
}

/** Whether an entry can be used now, why, and the key that identifies its model for de-duplication. */
type Verdict = Pick<KeyedRow, 'reachable' | 'detail' | 'key'>;

function checkReachable(resolved: ResolvedModel, context: Context): Promise<Verdict> {
  const { entry } = resolved;
  const setting = (field: string) =>
    resolved.origin === 'configured' && context.models.entries[resolved.name] !== undefined
      ? `models.entries.${resolved.name}.${field}`
      : `the ${field} of ${resolved.name}`;
  switch (entry.provider) {
    case 'openai-compatible':
      if (entry.baseURL === undefined) return missing(`no baseURL: set ${setting('baseURL')}`, entry.model);
      return checkServer(entry.baseURL, entry.apiKey, entry.model, context);
    case 'openai': {
      const apiKey = entry.apiKey ?? context.openAiApiKey;
      if (apiKey === undefined)
        return missing(`no API key: set ${setting('apiKey')} or OPENAI_API_KEY`, entry.model);
      return checkServer(entry.baseURL ?? openAiBaseURL, apiKey, entry.model, context);
    }
    case 'bedrock': {
      const region = entry.region ?? context.defaultRegion;
      if (region === undefined)
        return missing(`no AWS region: set ${setting('region')}, aws.region or AWS_REGION`, entry.model);
      return checkBedrock(entry.model, region, context);
    }
    case 'llama-cpp':
      return checkModelFile(entry.model, context);
  }
}

async function missing(detail: string, model: string): Promise<Verdict> {
  return { reachable: false, detail, key: `unchecked|${model}` };
}

/** Builds verdicts sharing one de-duplication key. */
function verdicts(key: string) {
  return {
    yes: (detail: string) => ({ reachable: true, detail, key }),
    no: (detail: string) => ({ reachable: false, detail, key }),
  };
}

async function checkServer(
  baseURL: string,
  apiKey: string | undefined,
  model: string,
  context: Context,
): Promise<Verdict> {
  const where = describeUrlSafely(baseURL);
  const { yes, no } = verdicts(serverKey(baseURL, model));
  const listing = await context.probes.listServerModels(baseURL, apiKey);
  // A server without a model listing (404) is up, so the model gets the benefit of the doubt.
  if (!listing.ok && listing.reason === 'no-listing') return yes(`server up at ${where} (model not checked)`);
  if (!listing.ok) return no(`${where}: ${listing.detail}`);
  if (listing.models.some((id) => sameModel(id, model))) return yes(`listed by ${where}`);
  return no(`server up but model not pulled: ${where} lists ${listing.models.length} others`);
}

async function checkBedrock(model: string, region: string, context: Context): Promise<Verdict> {
  const { yes, no } = verdicts(`bedrock|${withoutProfilePrefix(model)}`);
  const listing = await context.probes.listBedrockModels(region);
  if (!listing.ok) return no(listing.detail);
  if (model.startsWith('arn:')) return yes(`Bedrock answered in ${region} (ARNs are not checked)`);
  const found = listing.models.find((candidate) => candidate.modelId === withoutProfilePrefix(model));
  if (found === undefined) return no(`not offered by Bedrock in ${region} as a text model`);
  return yes(
    `offered by Bedrock in ${region}${model === found.modelId ? '' : ' through an inference profile'}`,
  );
}

async function checkModelFile(model: string, context: Context): Promise<Verdict> {
  const file = await context.probes.locateModelFile(model);
  const { yes, no } = verdicts(file.path === undefined ? `unchecked|${model}` : `file|${file.path}`);
  const download = file.source === 'download';
  if (file.sizeBytes !== undefined) {
    const where = download ? `downloaded to ${file.path}` : 'local file';
    return yes(`GGUF ${formatByteSize(file.sizeBytes)}, ${where}; runs in-process`);
  }
  if (file.path === undefined)
    return no(download ? 'not a valid model URL' : 'the file could not be checked');
  return no(
    download ? 'not downloaded yet: downloads on first use (needs network)' : `file not found: ${file.path}`,
  );
}

/** What one discovery source found, or a note saying why it found nothing. */
type Discovery = KeyedRow[] | string;

/** Discovered models, in source order (Ollama servers, Bedrock, local GGUF files); notes in that order too. */
async function discover(context: Context): Promise<KeyedRow[]> {
  const groups = await Promise.all([
    ...ollamaServers(context).map((server) => discoverOllama(server, context)),
    discoverBedrock(context),
    discoverFiles(context),
  ]);
  for (const group of groups) if (typeof group === 'string') context.notes.push(group);
  return groups.flatMap((group) => (typeof group === 'string' ? [] : group));
}

/** A server that may be Ollama; `entry` names the entry it came from (none for `models.baseURL`). */
interface OllamaServer {
  baseURL: string;
  entry?: string;
  apiKey?: string;
}

/** `models.baseURL` and every openai-compatible entry's server, once each. */
function ollamaServers(context: Context): OllamaServer[] {
  const servers = new Map<string, OllamaServer>();
  servers.set(trimSlashes(context.models.baseURL), { baseURL: context.models.baseURL });
  for (const [name, { provider, baseURL, apiKey }] of Object.entries(context.models.entries)) {
    if (provider !== 'openai-compatible' || baseURL === undefined || servers.has(trimSlashes(baseURL)))
      continue;
    servers.set(trimSlashes(baseURL), { baseURL, entry: name, ...(apiKey === undefined ? {} : { apiKey }) });
  }
  return [...servers.values()];
}

async function discoverOllama(server: OllamaServer, context: Context): Promise<Discovery> {
  const where = describeUrlSafely(server.baseURL);
  const listing = await context.probes.listOllamaModels(server.baseURL, server.apiKey);
  // An entry's own server is already reported by the entry's row; only `models.baseURL` needs a note.
  if (!listing.ok) return server.entry === undefined ? `Ollama at ${where}: ${listing.detail}.` : [];
  // An ad-hoc `openai-compatible:<model>` reference reaches `models.baseURL` only.
  const hint = server.entry === undefined ? '' : ` (server of entry ${server.entry}: add an entry to use it)`;
  return listing.models.map((tag) => ({
    name: server.entry === undefined ? `openai-compatible:${tag.name}` : tag.name,
    ...discovered('openai-compatible', tag.name),
    detail: `pulled in Ollama at ${where}${describeTag(tag)}${hint}`,
    key: serverKey(server.baseURL, tag.name),
  }));
}

async function discoverBedrock(context: Context): Promise<Discovery> {
  const bedrockEntry = Object.values(context.models.entries).find(
    (entry) => entry.provider === 'bedrock' && entry.region,
  );
  const region = context.defaultRegion ?? bedrockEntry?.region;
  if (region === undefined) {
    return 'Bedrock: not searched (no AWS region: set aws.region or AWS_REGION).';
  }
  const listing = await context.probes.listBedrockModels(region);
  if (!listing.ok) {
    return `Bedrock in ${region}: ${listing.detail}.`;
  }
  return listing.models.map((model) => ({
    name: `bedrock:${model.modelId}`,
    ...discovered('bedrock', model.modelId),
    reachable: model.onDemand,
    detail: `offered by Bedrock in ${region}${model.modelName ? ` (${model.modelName})` : ''}${model.onDemand ? '' : ', through an inference profile only'}`,
    key: `bedrock|${model.modelId}`,
  }));
}

async function discoverFiles(context: Context): Promise<KeyedRow[]> {
  const files = await context.probes.listGgufFiles();
  return files.map((file) => ({
    name: `llama-cpp:${file.path}`,
    ...discovered('llama-cpp', file.path),
    detail: `GGUF ${formatByteSize(file.sizeBytes)} in the models folder; runs in-process`,
    key: `file|${file.path}`,
  }));
}

function discovered(provider: LanguageProvider, model: string) {
  return { provider, model, origin: 'discovered' as const, isDefault: false, reachable: true };
}

function describeTag(tag: OllamaTag): string {
  const size = tag.sizeBytes === undefined ? undefined : formatByteSize(tag.sizeBytes);
  const facts = [tag.parameterSize, tag.quantizationLevel, size].filter((fact) => fact !== undefined);
  return facts.length > 0 ? ` (${facts.join(', ')})` : '';
}

/** Ollama names a model without a tag `<name>:latest`; both spellings mean the same model. */
function sameModel(left: string, right: string): boolean {
  return left.replace(/:latest$/, '') === right.replace(/:latest$/, '');
}

function serverKey(baseURL: string, model: string): string {
  return `server|${trimSlashes(baseURL)}|${model.replace(/:latest$/, '')}`;
}

/** `us.anthropic.claude…` (a cross-region inference profile) names the foundation model `anthropic.claude…`. */
function withoutProfilePrefix(model: string): string {
  return model.replace(/^(us|eu|apac|us-gov|ca|jp|au|global)\./, '');
}

function trimSlashes(url: string): string {
  return url.replace(/\/+$/, '');
}

/** A model URL without userinfo, query or fragment, which may hold credentials or signatures. */
function displayModel(model: string): string {
  if (!/^https?:\/\//i.test(model) || !URL.canParse(model)) return model;
  const url = new URL(model);
  return `${url.origin}${url.pathname}`;
}
