import type { LanguageModel } from 'ai';
import type { PromptTemplates } from '../default-prompts.ts';
import type { LanguageProvider } from '../model-config.ts';

/**
 * The language-model port: the AI SDK's `LanguageModel` (adapters: Bedrock, OpenAI-compatible, in-process
 * llama.cpp) plus what the assistant and code generation need to know about it.
 */
export interface LanguageRuntime {
  /** How it was referenced: an entry name (`ollama`) or `provider:model-id`. */
  name: string;
  provider: LanguageProvider;
  /** The provider's model id, or for llama-cpp the GGUF file name. */
  modelId: string;
  /** Human description without secrets, e.g. `openai-compatible model qwen2.5-coder:7b at http://127.0.0.1:11434/v1`. */
  description: string;
  /** The AI SDK model (LanguageModelV3). */
  model: LanguageModel;
  /** Context window in tokens (prompt plus answer). */
  contextTokens: number;
  /** The longest answer asked for, in tokens. */
  maxOutputTokens: number;
  temperature?: number;
  /** Tokens in `text`: exact for in-process models, a conservative estimate for remote ones. */
  countTokens(text: string): number;
  /** The prompt templates for this model (global ones with the entry's overrides). */
  prompts: PromptTemplates;
  /** Releases native resources (llama.cpp); a no-op for remote models. */
  close(): Promise<void>;
}
