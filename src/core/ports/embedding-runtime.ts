import type { EmbeddingModel } from 'ai';
import type { EmbeddingSettings } from '../config.ts';
import { ValidationError } from '../errors/index.ts';

/**
 * The embedding-model port: the AI SDK's `EmbeddingModel` (adapters: Bedrock, OpenAI-compatible,
 * in-process llama.cpp) plus what the index needs to know about it.
 */
export interface EmbeddingRuntime {
  /**
   * Stable identity of the vector space, e.g. `openai-compatible:nomic-embed-text` or
   * `bedrock:amazon.titan-embed-text-v2:0@512`; changes whenever vectors would not be comparable.
   * No secrets, no base URL credentials. Always equal to {@link embeddingKey} of the settings.
   */
  key: string;
  /** Human description for `quarry status`, e.g. `openai-compatible model nomic-embed-text at http://127.0.0.1:11434/…`. */
  description: string;
  /** The AI SDK model; it already carries its provider options (such as dimensions). */
  model: EmbeddingModel;
  /** Releases native resources (llama.cpp); a no-op for remote models. */
  close(): Promise<void>;
}

/** An example model per provider, for the hint when none is set. */
const exampleModels: Record<Exclude<EmbeddingSettings['provider'], 'none'>, string> = {
  'openai-compatible': 'nomic-embed-text or text-embedding-3-small',
  bedrock: 'amazon.titan-embed-text-v2:0',
  'llama-cpp': 'the path of a .gguf file, or an https:// or hf:owner/repo/file.gguf URL',
};

/**
 * The vector-space key for `settings` (same rules as {@link EmbeddingRuntime.key}), computed without
 * creating the model; `undefined` for provider `none`. It is `<provider>:<model>`, plus `@<dimensions>`
 * when dimensions are requested. For llama-cpp only the GGUF file name counts, so a URL and the local copy
 * of the same file (or the file moved elsewhere) share one key. Throws a `ValidationError` when the model
 * is missing.
 */
export function embeddingKey(settings: EmbeddingSettings): string | undefined {
  if (settings.provider === 'none') return undefined;
  const model = settings.model?.trim();
  if (!model) {
    throw new ValidationError(
      `knowledge.embedding.model is required when knowledge.embedding.provider is ${settings.provider}.`,
      {
        hint: `Set knowledge.embedding.model (or QUARRY_EMBEDDING_MODEL), e.g. to ${exampleModels[settings.provider]}.`,
      },
    );
  }
  if (settings.provider === 'llama-cpp') return `llama-cpp:${modelFileName(model)}`;
  const dimensions = settings.dimensions === undefined ? '' : `@${settings.dimensions}`;
  return `${settings.provider}:${model}${dimensions}`;
}

/** The last segment of a path or URL, without query, fragment or credentials. */
function modelFileName(model: string): string {
  const withoutSuffix = model.replace(/[?#].*$/, '');
  const segments = withoutSuffix.split(/[\\/]/).filter((segment) => segment !== '');
  const last = segments.at(-1) ?? withoutSuffix;
  // A URL without a path (`https://user:secret@host`) would otherwise leak its userinfo.
  return last.replace(/^.*@/, '');
}
