/** Turning node-llama-cpp's output into AI SDK content, stream parts, finish reasons and usage. */
import type {
  LanguageModelV3Content,
  LanguageModelV3FinishReason,
  LanguageModelV3StreamPart,
  LanguageModelV3Usage,
} from '@ai-sdk/provider';
import type { LlamaChatResponse, LlamaChatResponseChunk } from 'node-llama-cpp';

/** One piece of generated output, in the order the model produced it. */
export interface GeneratedPiece {
  kind: 'text' | 'reasoning';
  text: string;
}

/** How a generation ended, and what it used. */
export interface GenerationOutcome {
  finishReason: LanguageModelV3FinishReason;
  usage: LanguageModelV3Usage;
}

/** Turns a model's output into AI SDK stream parts: text and reasoning runs with ids, then `finish`. */
export class StreamWriter {
  readonly #controller: ReadableStreamDefaultController<LanguageModelV3StreamPart>;
  readonly #cancelled: AbortSignal;
  #open: { kind: GeneratedPiece['kind']; id: string } | undefined;
  #count = 0;

  constructor(
    controller: ReadableStreamDefaultController<LanguageModelV3StreamPart>,
    cancelled: AbortSignal,
  ) {
    this.#controller = controller;
    this.#cancelled = cancelled;
  }

  write(part: LanguageModelV3StreamPart): void {
    // A cancelled stream throws on enqueue; generation is stopping anyway.
    if (!this.#cancelled.aborted) this.#controller.enqueue(part);
  }

  writePiece(piece: GeneratedPiece): void {
    if (this.#open?.kind !== piece.kind) {
      this.#closeOpenRun();
      this.#open = { kind: piece.kind, id: `${piece.kind}-${this.#count++}` };
      this.write({ type: `${piece.kind}-start`, id: this.#open.id });
    }
    this.write({ type: `${piece.kind}-delta`, id: this.#open.id, delta: piece.text });
  }

  finish(outcome: GenerationOutcome): void {
    this.#closeOpenRun();
    this.write({ type: 'finish', ...outcome });
    if (!this.#cancelled.aborted) this.#controller.close();
  }

  fail(error: unknown): void {
    this.#closeOpenRun();
    this.write({ type: 'error', error });
    this.finish({ finishReason: { unified: 'error', raw: undefined }, usage: usageOf(0, 0, 0, 0) });
  }

  abort(reason: unknown): void {
    this.#controller.error(reason);
  }

  #closeOpenRun(): void {
    if (this.#open === undefined) return;
    this.write({ type: `${this.#open.kind}-end`, id: this.#open.id });
    this.#open = undefined;
  }
}

/** Thoughts and Harmony-style comments are not part of the answer, so both count as reasoning. */
export function pieceOf(chunk: LlamaChatResponseChunk): GeneratedPiece {
  return { kind: chunk.type === 'segment' ? 'reasoning' : 'text', text: chunk.text };
}

/** Adds a piece to the result, extending the last part when it is of the same kind. */
export function appendContent(content: LanguageModelV3Content[], piece: GeneratedPiece): void {
  const last = content.at(-1);
  if (last?.type === piece.kind && (last.type === 'text' || last.type === 'reasoning'))
    last.text += piece.text;
  else content.push({ type: piece.kind, text: piece.text });
}

/** The AI SDK's finish reason for node-llama-cpp's stop reason. */
export function finishReasonOf(response: LlamaChatResponse): LanguageModelV3FinishReason {
  const raw = response.metadata.stopReason;
  switch (raw) {
    case 'maxTokens':
      return { unified: 'length', raw };
    case 'functionCalls':
      return { unified: 'tool-calls', raw };
    case 'abort':
      return { unified: 'other', raw };
    default:
      return { unified: 'stop', raw };
  }
}

/** Token usage in the AI SDK's shape. */
export function usageOf(
  promptTokens: number,
  cachedTokens: number,
  outputTokens: number,
  reasoningTokens: number,
): LanguageModelV3Usage {
  return {
    inputTokens: {
      total: promptTokens,
      noCache: promptTokens - cachedTokens,
      // The start of the prompt that the previous call left in the context is reused, not evaluated again.
      cacheRead: cachedTokens,
      cacheWrite: undefined,
    },
    outputTokens: { total: outputTokens, text: outputTokens - reasoningTokens, reasoning: reasoningTokens },
  };
}
