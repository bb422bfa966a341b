import * as path from 'node:path';
import type { EmbeddingModelV3, EmbeddingModelV3CallOptions, EmbeddingModelV3Result } from '@ai-sdk/provider';
import type { LlamaEmbeddingContext, LlamaModel, Token } from 'node-llama-cpp';
import { ValidationError } from '../../core/errors/index.ts';
import { acquireLlama, type LlamaCppModelFileOptions, type LlamaLease, messageOf } from './load-llama.ts';

/** Options of {@link LlamaCppEmbeddingModel.load}. */
export interface LlamaCppEmbeddingModelOptions extends LlamaCppModelFileOptions {
  /**
   * The longest input in tokens; longer texts are cut to fit. Default the model's training context, at
   * most 2048: chunks are far shorter, and a larger context costs memory for nothing.
   */
  maxInputTokens?: number;
}

const defaultMaxInputTokens = 2048;

const unloadableHint =
  'Use knowledge.embedding.provider openai-compatible (for example with Ollama) or bedrock instead.';

/**
 * An AI SDK embedding model (`EmbeddingModelV3`) computed in-process by llama.cpp from a GGUF file, on the
 * CPU and with the prebuilt binary only (it never compiles or downloads llama.cpp). Texts are embedded one
 * after another in one context; a text longer than the context is cut at the token limit rather than
 * failing. An empty text gets an all-zero vector. Call {@link close} to free the native memory.
 */
export class LlamaCppEmbeddingModel implements EmbeddingModelV3 {
  readonly specificationVersion = 'v3';
  readonly provider = 'llama-cpp';
  /** The GGUF file name. */
  readonly modelId: string;
  /** Batching happens in the caller; one call embeds any number of texts, one at a time. */
  readonly maxEmbeddingsPerCall = Number.POSITIVE_INFINITY;
  readonly supportsParallelCalls = false;
  /** Length of every vector. */
  readonly dimensions: number;
  readonly #lease: LlamaLease;
  readonly #model: LlamaModel;
  readonly #context: LlamaEmbeddingContext;
  /** Inputs (with the model's begin and end tokens) must stay below this many tokens. */
  readonly #contextSize: number;
  #closing: Promise<void> | undefined;

  private constructor(
    lease: LlamaLease,
    model: LlamaModel,
    context: LlamaEmbeddingContext,
    contextSize: number,
  ) {
    this.#lease = lease;
    this.#model = model;
    this.#context = context;
    this.#contextSize = contextSize;
    this.modelId = path.basename(model.filename ?? 'model.gguf');
    this.dimensions = model.embeddingVectorSize;
  }

  /**
   * Loads llama.cpp and the model. A machine without a usable prebuilt llama.cpp binary gets an
   * `UpstreamError`; a file that is not a loadable GGUF model a `ValidationError`.
   */
  static async load(options: LlamaCppEmbeddingModelOptions): Promise<LlamaCppEmbeddingModel> {
    const lease = await acquireLlama(options.logger, unloadableHint);
    const { llama } = lease;
    try {
      const model = await llama.loadModel({ modelPath: options.modelPath });
      const trained = model.trainContextSize > 0 ? model.trainContextSize : defaultMaxInputTokens;
      const contextSize = Math.min(trained, options.maxInputTokens ?? defaultMaxInputTokens);
      // Non-causal (BERT-style) embedding models must see the whole input in one batch.
      const context = await model.createEmbeddingContext({
        contextSize,
        batchSize: contextSize,
        threads: options.threads ?? 2,
      });
      return new LlamaCppEmbeddingModel(lease, model, context, contextSize);
    } catch (error) {
      await lease.release();
      const file = path.basename(options.modelPath);
      throw new ValidationError(
        `llama.cpp could not load the embedding model ${file}: ${messageOf(error)}.`,
        {
          hint: 'Check that knowledge.embedding.model is a complete GGUF embedding model that fits in memory.',
          cause: error,
        },
      );
    }
  }

  /** Embeds `values` in order; honours `abortSignal` between texts. */
  async doEmbed(options: EmbeddingModelV3CallOptions): Promise<EmbeddingModelV3Result> {
    const embeddings: number[][] = [];
    let tokens = 0;
    for (const value of options.values) {
      options.abortSignal?.throwIfAborted();
      const { input, length } = this.#fitToContext(value);
      tokens += length;
      const embedding = await this.#context.getEmbeddingFor(input);
      embeddings.push(
        embedding.vector.length === 0 ? new Array<number>(this.dimensions).fill(0) : [...embedding.vector],
      );
    }
    return { embeddings, usage: { tokens }, warnings: [] };
  }

  /** Frees the context, the model and llama.cpp itself; the model cannot be used afterwards. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#context.dispose();
      await this.#model.dispose();
      await this.#lease.release();
    })();
    return this.#closing;
  }

  /** The text itself when it fits, otherwise its leading tokens (leaving room for begin and end tokens). */
  #fitToContext(text: string): { input: string | Token[]; length: number } {
    const length = this.#context.calculateInputLength(text);
    if (length < this.#contextSize) return { input: text, length };
    const tokens = this.#model.tokenize(text);
    const added = length - tokens.length;
    let keep = this.#contextSize - 1 - added;
    let cut = tokens.slice(0, Math.max(keep, 0));
    let cutLength = this.#context.calculateInputLength(cut);
    // Cutting can change which special tokens llama.cpp adds; shrink until it really fits.
    while (keep > 0 && cutLength >= this.#contextSize) {
      keep -= 1;
      cut = tokens.slice(0, keep);
      cutLength = this.#context.calculateInputLength(cut);
    }
    return { input: cut, length: cutLength };
  }
}
