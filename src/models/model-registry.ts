import { ValidationError } from '../core/errors/index.ts';
import {
  defaultLocalModel,
  defaultModelEntry,
  type LanguageProvider,
  languageProviders,
  type ModelEntry,
  type ModelsConfig,
  type ResolvedModel,
} from '../core/model-config.ts';

/** The built-in entry used when nothing is configured: a small instruct model run in-process. */
export const builtInLocalEntry: ModelEntry = { provider: 'llama-cpp', model: defaultLocalModel };

/**
 * Resolves `reference` (default `models.default`): an entry name from `models.entries`, `local` for the
 * built-in in-process model, or `provider:model-id` (`bedrock:anthropic.claude-3-5-haiku-20241022-v1:0`,
 * `openai-compatible:qwen2.5-coder:7b`, `llama-cpp:./models/tiny.gguf`). Model ids keep any further colons.
 * An ad-hoc `openai-compatible` reference uses `models.baseURL`. Anything else is a `ValidationError`
 * listing the entries that exist.
 */
export function resolveModel(models: ModelsConfig, reference = models.default): ResolvedModel {
  const name = reference.trim();
  const configured = models.entries[name];
  if (configured) return { name, entry: configured, origin: 'configured' };
  if (name === defaultModelEntry) return { name, entry: builtInLocalEntry, origin: 'built-in' };
  const separator = name.indexOf(':');
  const provider = name.slice(0, separator) as LanguageProvider;
  const model = name.slice(separator + 1).trim();
  if (separator > 0 && languageProviders.includes(provider) && model !== '') {
    const baseURL = provider === 'openai-compatible' ? { baseURL: models.baseURL } : {};
    // The name is shown, logged and stored (answers, conversations, code sidecars); the model may be a
    // URL with credentials or a signed query, so only its host and file name are kept in the name.
    return {
      name: `${provider}:${displayModelReference(model)}`,
      entry: { provider, model, ...baseURL },
      origin: 'ad-hoc',
    };
  }
  const known = [...Object.keys(models.entries), defaultModelEntry];
  throw new ValidationError(`There is no model called "${name}".`, {
    hint: `Use one of the configured entries (${known.join(', ')}) or provider:model-id with a provider of ${languageProviders.join(', ')}; run "quarry models list" to see what is available.`,
  });
}

/** Every configured entry, plus the built-in local model unless an entry named `local` replaces it. */
export function configuredModels(models: ModelsConfig): ResolvedModel[] {
  const entries = Object.entries(models.entries).map(
    ([name, entry]): ResolvedModel => ({ name, entry, origin: 'configured' }),
  );
  if (models.entries[defaultModelEntry] !== undefined) return entries;
  return [...entries, { name: defaultModelEntry, entry: builtInLocalEntry, origin: 'built-in' }];
}

/**
 * A model reference fit to show: an `http(s)://` URL becomes `scheme://host/…/file.gguf` (no userinfo,
 * path or query, which may carry secrets); anything else is returned as is.
 */
export function displayModelReference(model: string): string {
  if (!/^https?:\/\//i.test(model) || !URL.canParse(model)) return model;
  const url = new URL(model);
  const file = url.pathname.split('/').filter(Boolean).at(-1);
  return `${url.protocol}//${url.host}/${file === undefined ? '' : `…/${file}`}`;
}
