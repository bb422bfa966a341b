import { generateText } from 'ai';
import { QuarryError } from '../core/errors/index.ts';
import type { LanguageRuntime } from '../core/ports/language-runtime.ts';
import { modelFailure } from '../models/model-failure.ts';
import { renderTemplate } from '../models/prompt-template.ts';
import type { AnswerUsage, ChatTurn } from './assistant-types.ts';

/** A standalone question is short; this also bounds the cost of a model that rambles. */
const maxCondensedTokens = 160;

/**
 * Rewrites a follow-up (`and in v2?`) into a standalone question for retrieval, using the conversation.
 * Without history the question is returned as is, without a model call. The model's reply is cleaned
 * (first non-empty line, no label or quotes); an empty reply falls back to the original question. A
 * failing model is an `UpstreamError`.
 */
export async function condenseQuestion(
  runtime: LanguageRuntime,
  question: string,
  history: ChatTurn[],
  abortSignal?: AbortSignal,
): Promise<{ question: string; usage: AnswerUsage }> {
  if (history.length === 0) return { question, usage: {} };
  const transcript = history
    .map((turn) => `${turn.role === 'user' ? 'User' : 'Assistant'}: ${shortened(turn.content.trim())}`)
    .join('\n');
  try {
    const result = await generateText({
      model: runtime.model,
      prompt: renderTemplate('condense', runtime.prompts.condense, { history: transcript, question }),
      maxOutputTokens: Math.min(maxCondensedTokens, runtime.maxOutputTokens),
      temperature: 0,
      ...(abortSignal === undefined ? {} : { abortSignal }),
    });
    const condensed = cleanCondensed(result.text);
    return {
      question: condensed === '' ? question : condensed,
      usage: {
        ...(result.usage.inputTokens === undefined ? {} : { inputTokens: result.usage.inputTokens }),
        ...(result.usage.outputTokens === undefined ? {} : { outputTokens: result.usage.outputTokens }),
      },
    };
  } catch (error) {
    if (abortSignal?.aborted) throw abortSignal.reason;
    // A model that finds the condense prompt too long can still answer the question as asked.
    if (QuarryError.is(error) && error.code === 'validation') return { question, usage: {} };
    throw modelFailure(runtime.name, error);
  }
}

/** Earlier answers matter for their subject, not their detail; long ones are cut to keep condensing cheap. */
const maxTurnCharacters = 1200;

function shortened(text: string): string {
  return text.length > maxTurnCharacters ? `${text.slice(0, maxTurnCharacters)}…` : text;
}

/** The first non-empty line, without a `Standalone question:` label or surrounding quotes. */
export function cleanCondensed(text: string): string {
  const line =
    text
      .split('\n')
      .map((part) => part.trim())
      .find((part) => part !== '') ?? '';
  return line
    .replace(/^(standalone question|question)\s*:\s*/i, '')
    .replace(/^["'“”]+|["'“”]+$/g, '')
    .trim();
}
