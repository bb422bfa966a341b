import { type ModelMessage, streamText } from 'ai';
import type { LanguageRuntime } from '../core/ports/language-runtime.ts';
import { modelFailure } from '../models/model-failure.ts';
import { addUsage } from './answer-usage.ts';
import type { AnswerUsage, QuestionRequest } from './assistant-types.ts';
import { CitationChecker } from './citation-checker.ts';

/** What one streamed generation produced, after citation checking. */
export interface Generated {
  text: string;
  cited: number[];
  removed: number;
  unsupported: boolean;
  usage: AnswerUsage;
  finishReason: string;
}

/**
 * Streams the model's answer through the citation checker: only checked text reaches `request.onText`. A
 * failure (an error part, or a stream cut off half-way, which throws from the iteration itself) becomes one
 * clear error naming the model; the caller's abort wins.
 */
export async function streamAnswer(
  runtime: LanguageRuntime,
  messages: ModelMessage[],
  sourceCount: number,
  request: QuestionRequest,
): Promise<Generated> {
  const checker = new CitationChecker(sourceCount);
  let text = '';
  const emit = (safe: string) => {
    if (safe === '') return;
    text += safe;
    request.onText?.(safe);
  };
  const outcome = await readParts(runtime, startStream(runtime, messages, request), request, (delta) =>
    emit(checker.push(delta)),
  );
  emit(checker.finish());
  const { cited, removed, unsupported } = checker.report();
  return { text, cited, removed, unsupported, ...outcome };
}

function startStream(runtime: LanguageRuntime, messages: ModelMessage[], request: QuestionRequest) {
  return streamText({
    model: runtime.model,
    system: runtime.prompts.system,
    messages,
    maxOutputTokens: runtime.maxOutputTokens,
    ...(runtime.temperature === undefined ? {} : { temperature: runtime.temperature }),
    ...(request.abortSignal === undefined ? {} : { abortSignal: request.abortSignal }),
    // Errors arrive as stream parts and are turned into one clear error below; the default logs them.
    onError: () => {},
  });
}

/** Feeds text deltas to `onDelta` and returns how the generation finished. */
async function readParts(
  runtime: LanguageRuntime,
  result: ReturnType<typeof startStream>,
  request: QuestionRequest,
  onDelta: (delta: string) => void,
): Promise<Pick<Generated, 'usage' | 'finishReason'>> {
  let outcome: Pick<Generated, 'usage' | 'finishReason'> = { usage: {}, finishReason: 'unknown' };
  try {
    for await (const part of result.fullStream) {
      if (part.type === 'text-delta') onDelta(part.text);
      else if (part.type === 'error') throw part.error;
      else if (part.type === 'abort')
        throw request.abortSignal?.reason ?? new Error('The answer was aborted.');
      else if (part.type === 'finish') {
        const { inputTokens, outputTokens } = part.totalUsage;
        outcome = { usage: addUsage({}, { inputTokens, outputTokens }), finishReason: part.finishReason };
      }
    }
  } catch (error) {
    // A stream cut off half-way throws from the iteration itself rather than sending an error part.
    throw streamFailure(runtime, error, request.abortSignal);
  }
  return outcome;
}

function streamFailure(
  runtime: LanguageRuntime,
  error: unknown,
  abortSignal: AbortSignal | undefined,
): unknown {
  if (abortSignal?.aborted) return abortSignal.reason;
  return modelFailure(runtime.name, error);
}
