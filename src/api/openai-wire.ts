import { z } from '@hono/zod-openapi';
import type { AnswerResult, AnswerSource, ChatTurn } from '../assistant/assistant-types.ts';
import { ValidationError } from '../core/errors/index.ts';
import type { AppDependencies } from './app-dependencies.ts';
import { maxQuestionLength } from './assistant-schemas.ts';
import { describeError } from './http-errors.ts';

const contentPartSchema = z.looseObject({ type: z.string(), text: z.string().optional() });

const messageSchema = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  content: z.union([z.string(), z.array(contentPartSchema)]).nullish(),
});

/** The fields of an OpenAI chat completion request that Quarry reads; any other field is ignored. */
export const chatCompletionBodySchema = z
  .looseObject({
    model: z
      .string()
      .min(1)
      .openapi({ description: '`quarry` or `quarry/<model entry name>` (see GET /v1/models).' }),
    messages: z.array(messageSchema).min(1).max(1000),
    stream: z.boolean().nullish(),
    stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
    max_tokens: z.number().int().min(1).nullish(),
    max_completion_tokens: z.number().int().min(1).nullish(),
    temperature: z.number().min(0).max(2).nullish(),
  })
  .openapi('ChatCompletionRequest');

/** A validated chat completion request. */
export type ChatCompletionBody = z.infer<typeof chatCompletionBodySchema>;

/** What every response chunk and completion of one request share. */
export interface CompletionIdentity {
  id: string;
  created: number;
  model: string;
}

const sourcesHeading = '\n\nSources:\n';

/**
 * The question (the last user message) and the history (the user and assistant messages before it).
 * System and developer messages are ignored: Quarry answers with its own prompt. A "Sources:" list that
 * Quarry appended to an earlier answer is cut off, so it does not crowd the model's context.
 */
export function questionAndHistory(messages: ChatCompletionBody['messages']): {
  question: string;
  history: ChatTurn[];
} {
  const last = messages.findLastIndex((message) => message.role === 'user');
  const message = messages[last];
  if (message === undefined) throw new ValidationError('messages: there is no user message to answer.');
  const question = textOf(message, last).trim();
  if (question === '') throw new ValidationError(`messages.${last}.content: the question is empty.`);
  if (question.length > maxQuestionLength) {
    throw new ValidationError(
      `messages.${last}.content: the question is longer than ${maxQuestionLength} characters.`,
    );
  }
  const history = messages.slice(0, last).flatMap((turn, index): ChatTurn[] => {
    if (turn.role !== 'user' && turn.role !== 'assistant') return [];
    const text = textOf(turn, index);
    const content = turn.role === 'assistant' ? withoutSourcesList(text) : text;
    return content.trim() === '' ? [] : [{ role: turn.role, content }];
  });
  return { question, history };
}

function textOf(message: ChatCompletionBody['messages'][number], index: number): string {
  const content = message.content ?? '';
  if (typeof content === 'string') return content;
  const other = content.find((part) => part.type !== 'text');
  if (other) {
    throw new ValidationError(`messages.${index}.content: only text parts are supported, not ${other.type}.`);
  }
  return content.map((part) => part.text ?? '').join('');
}

function withoutSourcesList(text: string): string {
  const at = text.lastIndexOf(sourcesHeading);
  return at === -1 ? text : text.slice(0, at);
}

/** The answer as plain OpenAI clients see it; a retrieval-only answer lists the best passages instead. */
export function answerText(result: AnswerResult): string {
  if (!result.retrievalOnly) return result.answer;
  const reason = result.retrievalOnly.reason.replace(/\.$/, '');
  if (result.sources.length === 0) {
    return `No language model is available (${reason}), and no indexed passage matched the question.`;
  }
  const passages = result.sources.map((source) => `[${source.n}] ${source.citation}\n${excerpt(source)}`);
  return `No language model is available (${reason}); these are the best passages, not a generated answer.\n\n${passages.join('\n\n')}`;
}

function excerpt(source: AnswerSource): string {
  const text = source.text.trim();
  return text.length > 600 ? `${text.slice(0, 599)}…` : text;
}

/** "Sources:" with the cited sources, one `[n] location` line each, to append to the answer; or ''. */
export function sourcesList(result: AnswerResult): string {
  if (result.retrievalOnly || result.citations.length === 0) return '';
  return `${sourcesHeading}${result.citations.map((source) => `[${source.n}] ${source.citation}`).join('\n')}`;
}

/** OpenAI's `finish_reason` for an answer. */
export function finishReasonOf(result: AnswerResult): 'stop' | 'length' {
  return result.finishReason === 'length' ? 'length' : 'stop';
}

/** OpenAI's `usage` for an answer (condensing included). */
export function usageOf(result: AnswerResult) {
  const prompt = result.usage.inputTokens ?? 0;
  const completion = result.usage.outputTokens ?? 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** A non-streaming `chat.completion`. */
export function completionBody(identity: CompletionIdentity, result: AnswerResult) {
  return {
    ...identity,
    object: 'chat.completion' as const,
    choices: [
      {
        index: 0,
        message: { role: 'assistant' as const, content: `${answerText(result)}${sourcesList(result)}` },
        logprobs: null,
        finish_reason: finishReasonOf(result),
      },
    ],
    usage: usageOf(result),
  };
}

/** One `chat.completion.chunk`. */
export function chunkBody(
  identity: CompletionIdentity,
  delta: { role?: 'assistant'; content?: string },
  finishReason: 'stop' | 'length' | null = null,
) {
  return {
    ...identity,
    object: 'chat.completion.chunk' as const,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
}

/** OpenAI's error body. */
export interface OpenAiErrorBody {
  error: { message: string; type: string; param: null; code: string };
}

/**
 * Status and OpenAI-shaped body for any thrown value (the same status and safe message as the rest of the
 * API); server faults are logged, and unknown errors reveal nothing internal.
 */
export function openAiError(
  dependencies: AppDependencies,
  error: unknown,
): { status: ReturnType<typeof describeError>['status']; body: OpenAiErrorBody } {
  const { status, body } = describeError(error);
  if (status >= 500) dependencies.logger.error({ err: error }, 'chat completion failed');
  const { code, message, hint } = body.error;
  return {
    status,
    body: {
      error: { message: hint ? `${message} ${hint}` : message, type: errorTypeOf(status), param: null, code },
    },
  };
}

function errorTypeOf(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  return status >= 500 ? 'server_error' : 'invalid_request_error';
}
