import * as path from 'node:path';
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3GenerateResult,
  LanguageModelV3Prompt,
  LanguageModelV3StreamPart,
  LanguageModelV3StreamResult,
  SharedV3Warning,
} from '@ai-sdk/provider';
import {
  type ChatHistoryItem,
  type GbnfJsonSchema,
  LlamaChat,
  type LlamaContext,
  type LlamaContextSequence,
  type LlamaGrammar,
  type LlamaModel,
  type Token,
} from 'node-llama-cpp';
import { ConflictError, ValidationError } from '../../core/errors/index.ts';
import {
  appendContent,
  finishReasonOf,
  type GeneratedPiece,
  type GenerationOutcome,
  pieceOf,
  StreamWriter,
  usageOf,
} from './llama-cpp-output.ts';
import { type SamplingSettings, samplingSettings, unsupportedSettingWarnings } from './llama-cpp-sampling.ts';
import { acquireLlama, type LlamaCppModelFileOptions, type LlamaLease, messageOf } from './load-llama.ts';
import { promptToChatHistory } from './prompt-to-chat-history.ts';

/** Options of {@link LlamaCppLanguageModel.load}. */
export interface LlamaCppLanguageModelOptions extends LlamaCppModelFileOptions {
  /**
   * Tokens the context holds, prompt and answer together. Default the model's training context, at most
   * 4096: every token costs memory up front, and retrieval prompts rarely need more.
   */
  contextSize?: number;
}

const defaultContextCap = 4096;

const unloadableHint =
  'Use an openai-compatible language model (for example Ollama or a llama.cpp server) or bedrock instead.';

/** A call checked and converted, before it waits for its turn. */
interface PreparedCall {
  history: ChatHistoryItem[];
  promptTokens: Token[];
  settings: SamplingSettings;
  warnings: SharedV3Warning[];
}

/**
 * An AI SDK language model (`LanguageModelV3`) run in-process by llama.cpp from a GGUF file, on the CPU with
 * the prebuilt binary only. Prompts go through the model's chat template (node-llama-cpp picks a matching
 * wrapper when the file has none). Calls share one context sequence and run one at a time, in order; a
 * prompt that does not fit the context is a `ValidationError`, never a silent cut, and the answer is capped at
 * the room the prompt leaves (finish reason `length`). Text only: tools and files produce warnings; JSON
 * output is enforced with a grammar. Sampling is greedy unless `temperature` is set. Call {@link close} to
 * free the native memory.
 */
export class LlamaCppLanguageModel implements LanguageModelV3 {
  readonly specificationVersion = 'v3';
  readonly provider = 'llama-cpp';
  /** The GGUF file name. */
  readonly modelId: string;
  /** Files are not supported, so no URL is ever passed through undownloaded. */
  readonly supportedUrls: Record<string, RegExp[]> = {};
  /** The context size in tokens: the prompt plus the answer must fit in it. */
  readonly contextTokens: number;
  readonly #lease: LlamaLease;
  readonly #model: LlamaModel;
  readonly #context: LlamaContext;
  readonly #sequence: LlamaContextSequence;
  readonly #chat: LlamaChat;
  /** Settles when the last queued call is done; each call waits for the one before it. */
  #queueTail: Promise<void> = Promise.resolve();
  #closing: Promise<void> | undefined;

  private constructor(lease: LlamaLease, model: LlamaModel, context: LlamaContext) {
    this.#lease = lease;
    this.#model = model;
    this.#context = context;
    this.#sequence = context.getSequence();
    this.#chat = new LlamaChat({ contextSequence: this.#sequence });
    this.modelId = path.basename(model.filename ?? 'model.gguf');
    this.contextTokens = context.contextSize;
  }

  /**
   * Loads llama.cpp, the model and one context. A machine without a usable prebuilt llama.cpp binary gets
   * an `UpstreamError`; a file that is not a loadable GGUF model (or a context that does not fit in memory)
   * a `ValidationError`.
   */
  static async load(options: LlamaCppLanguageModelOptions): Promise<LlamaCppLanguageModel> {
    checkContextSize(options.contextSize);
    const lease = await acquireLlama(options.logger, unloadableHint);
    const { llama } = lease;
    try {
      const model = await llama.loadModel({ modelPath: options.modelPath });
      const trained = model.trainContextSize > 0 ? model.trainContextSize : defaultContextCap;
      const contextSize = options.contextSize ?? Math.min(trained, defaultContextCap);
      const context = await model.createContext({ contextSize, threads: options.threads ?? 2, sequences: 1 });
      return new LlamaCppLanguageModel(lease, model, context);
    } catch (error) {
      await lease.release();
      const file = path.basename(options.modelPath);
      throw new ValidationError(`llama.cpp could not load the language model ${file}: ${messageOf(error)}.`, {
        hint: 'Check that the language model is a complete GGUF file and that its context size fits in memory.',
        cause: error,
      });
    }
  }

  /** The chat format used, e.g. `Llama2Chat`, `ChatML` or `JinjaTemplate` (the file's own template). */
  get chatWrapperName(): string {
    return this.#chat.chatWrapper.wrapperName;
  }

  /** The exact number of tokens in `text` by the model's tokenizer (no template or special tokens added). */
  countTokens(text: string): number {
    return this.#model.tokenize(text).length;
  }

  /** The exact number of tokens `prompt` takes once formatted with the chat template, as a call counts it. */
  countPromptTokens(prompt: LanguageModelV3Prompt): number {
    return this.#tokenizeHistory(promptToChatHistory(prompt).history).length;
  }

  /** Generates the whole answer; rejects with the abort reason when `abortSignal` fires. */
  async doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    const call = await this.#prepare(options);
    const content: LanguageModelV3Content[] = [];
    let timestamp = new Date();
    const outcome = await this.#exclusive(options.abortSignal, () => {
      timestamp = new Date();
      return this.#generate(call, options.abortSignal, (piece) => appendContent(content, piece));
    });
    return { content, ...outcome, warnings: call.warnings, response: { timestamp, modelId: this.modelId } };
  }

  /**
   * Streams the answer. The prompt is checked before the stream is returned; generation starts once earlier
   * calls are done. Aborting (or cancelling the stream) stops generation and errors the stream with the
   * abort reason, which the AI SDK reports as an abort.
   */
  async doStream(options: LanguageModelV3CallOptions): Promise<LanguageModelV3StreamResult> {
    const call = await this.#prepare(options);
    const cancelled = new AbortController();
    const signal =
      options.abortSignal === undefined
        ? cancelled.signal
        : AbortSignal.any([options.abortSignal, cancelled.signal]);
    const stream = new ReadableStream<LanguageModelV3StreamPart>({
      start: (controller) => {
        controller.enqueue({ type: 'stream-start', warnings: call.warnings });
        void this.#streamInto(new StreamWriter(controller, cancelled.signal), call, signal);
      },
      cancel: (reason) => cancelled.abort(reason),
    });
    return { stream };
  }

  /**
   * Frees the context, the model and llama.cpp itself once queued calls are done; later calls get a
   * `ConflictError`. Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#queueTail;
      this.#chat.dispose();
      await this.#context.dispose();
      await this.#model.dispose();
      await this.#lease.release();
    })();
    return this.#closing;
  }

  async #prepare(options: LanguageModelV3CallOptions): Promise<PreparedCall> {
    this.#assertOpen();
    const { history, warnings } = promptToChatHistory(options.prompt);
    const promptTokens = this.#tokenizeHistory(history);
    const room = this.#roomForAnswer(promptTokens.length);
    warnings.push(...unsupportedSettingWarnings(options));
    const settings: SamplingSettings = { ...samplingSettings(options), maxTokens: room };
    if (options.maxOutputTokens !== undefined && options.maxOutputTokens <= room)
      settings.maxTokens = options.maxOutputTokens;
    const grammar = await this.#grammarFor(options.responseFormat, warnings);
    if (grammar !== undefined) settings.grammar = grammar;
    return { history, promptTokens, settings, warnings };
  }

  #tokenizeHistory(history: ChatHistoryItem[]): Token[] {
    const { contextText } = this.#chat.chatWrapper.generateContextState({ chatHistory: history });
    return contextText.tokenize(this.#model.tokenizer);
  }

  /**
   * Tokens left for the answer. node-llama-cpp silently drops the start of a prompt that leaves less than
   * two free tokens (a "context shift"), which would hide retrieved passages from the model; refuse instead.
   */
  #roomForAnswer(promptTokens: number): number {
    const room = this.contextTokens - promptTokens;
    if (room >= 2) return room;
    throw new ValidationError(
      `The prompt has ${promptTokens} tokens, but the context of ${this.modelId} holds ${this.contextTokens} tokens, prompt and answer together.`,
      { hint: 'Shorten the prompt or the conversation, or give the model a larger context size.' },
    );
  }

  /** JSON output is enforced with a grammar; a schema llama.cpp cannot turn into one falls back to any JSON. */
  async #grammarFor(
    format: LanguageModelV3CallOptions['responseFormat'],
    warnings: SharedV3Warning[],
  ): Promise<LlamaGrammar | undefined> {
    if (format?.type !== 'json') return undefined;
    if (format.schema === undefined) return this.#lease.llama.getGrammarFor('json');
    try {
      return await this.#lease.llama.createGrammarForJsonSchema<GbnfJsonSchema>(
        format.schema as GbnfJsonSchema,
      );
    } catch (error) {
      warnings.push({
        type: 'compatibility',
        feature: 'responseFormat.schema',
        details: `The schema could not become a grammar (${messageOf(error)}); any JSON is allowed instead.`,
      });
      return this.#lease.llama.getGrammarFor('json');
    }
  }

  async #streamInto(writer: StreamWriter, call: PreparedCall, signal: AbortSignal): Promise<void> {
    try {
      const outcome = await this.#exclusive(signal, () => {
        writer.write({ type: 'response-metadata', timestamp: new Date(), modelId: this.modelId });
        return this.#generate(call, signal, (piece) => writer.writePiece(piece));
      });
      writer.finish(outcome);
    } catch (error) {
      if (signal.aborted) writer.abort(signal.reason);
      else writer.fail(error);
    }
  }

  /** Runs `task` after every earlier call has finished; gives up waiting (with the reason) on abort. */
  async #exclusive<T>(signal: AbortSignal | undefined, task: () => Promise<T>): Promise<T> {
    this.#assertOpen();
    const previous = this.#queueTail;
    let release = () => {};
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The next call waits for `previous` too, so releasing early (aborted while waiting) keeps the order.
    this.#queueTail = previous.then(() => done);
    try {
      await waitUnlessAborted(previous, signal);
      return await task();
    } finally {
      release();
    }
  }

  #assertOpen(): void {
    if (this.#closing !== undefined)
      throw new ConflictError(`The llama.cpp language model ${this.modelId} is closed.`);
  }

  async #generate(
    call: PreparedCall,
    signal: AbortSignal | undefined,
    onPiece: (piece: GeneratedPiece) => void,
  ): Promise<GenerationOutcome> {
    signal?.throwIfAborted();
    // The last prompt token is always evaluated again: its logits pick the first answer token.
    const reusable = this.#sequence.compareContextTokens(call.promptTokens).firstDifferentIndex;
    const cachedTokens = Math.min(reusable, call.promptTokens.length - 1);
    const meterBefore = this.#sequence.tokenMeter.getState();
    let reasoningTokens = 0;
    const response = await this.#chat.generateResponse(call.history, {
      ...call.settings,
      ...(signal === undefined ? {} : { signal, stopOnAbortSignal: true }),
      onResponseChunk: (chunk) => {
        const piece = pieceOf(chunk);
        if (piece.kind === 'reasoning') reasoningTokens += chunk.tokens.length;
        if (piece.text !== '') onPiece(piece);
      },
    });
    // Stopping on abort keeps the sequence usable; the caller still learns that it was aborted.
    signal?.throwIfAborted();
    const outputTokens = this.#sequence.tokenMeter.diff(meterBefore).usedOutputTokens;
    return {
      finishReason: finishReasonOf(response),
      usage: usageOf(call.promptTokens.length, cachedTokens, outputTokens, reasoningTokens),
    };
  }
}

function checkContextSize(contextSize: number | undefined): void {
  if (contextSize === undefined || (Number.isInteger(contextSize) && contextSize >= 16)) return;
  throw new ValidationError(
    `The context size must be a whole number of at least 16 tokens, not ${contextSize}.`,
  );
}

function waitUnlessAborted(promise: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (signal === undefined) return promise;
  signal.throwIfAborted();
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}
