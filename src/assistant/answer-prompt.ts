import type { ModelMessage } from 'ai';
import { ValidationError } from '../core/errors/index.ts';
import type { LanguageRuntime } from '../core/ports/language-runtime.ts';
import { renderTemplate } from '../models/prompt-template.ts';
import type { ChatTurn } from './assistant-types.ts';

/** Tokens a chat template adds around each message (role markers); a safe allowance for all providers. */
const messageOverheadTokens = 8;

/** The parts of the answer prompt that do not depend on the sources, and what room they leave. */
export interface PromptFrame {
  /** History turns that fit (oldest dropped first). */
  history: ChatTurn[];
  /** Tokens left for the numbered sources. */
  sourceBudget: number;
}

/**
 * Works out how many tokens the sources may take: the model's context minus the answer's share, the
 * system prompt, the few-shot examples, the question with its template, and the history. History turns
 * are dropped oldest first when they do not fit; a question that cannot fit even alone is a
 * `ValidationError` saying by how much.
 */
export function frameAnswerPrompt(
  runtime: LanguageRuntime,
  question: string,
  history: ChatTurn[],
): PromptFrame {
  const count = (text: string) => runtime.countTokens(text) + messageOverheadTokens;
  // Chat templates add more than role markers (headers, separators) and differ by model; keep a margin.
  const margin = Math.max(16, Math.ceil(runtime.contextTokens * 0.03));
  const available = runtime.contextTokens - runtime.maxOutputTokens - margin;
  const examples = runtime.prompts.fewShot.reduce(
    (sum, example) => sum + count(example.user) + count(example.assistant),
    0,
  );
  const fixed =
    count(runtime.prompts.system) +
    examples +
    count(renderTemplate('rag', runtime.prompts.rag, { sources: '', question }));
  if (fixed > available) {
    const questionTokens = runtime.countTokens(question);
    throw new ValidationError(
      `The question is too long for the model ${runtime.name}: with the prompt it needs ${fixed} tokens, and the model's ${runtime.contextTokens}-token context leaves ${available} after keeping ${runtime.maxOutputTokens} for the answer and ${margin} for the chat template (the question alone is ${questionTokens} tokens).`,
      {
        hint: 'Shorten the question, or use a model with a larger context (contextTokens in its models.entries entry).',
      },
    );
  }
  let room = available - fixed;
  const kept: ChatTurn[] = [];
  for (const turn of [...history].reverse()) {
    const tokens = count(turn.content);
    if (tokens > room) break;
    room -= tokens;
    kept.unshift(turn);
  }
  return { history: kept, sourceBudget: room };
}

/** The messages sent to the model: few-shot examples, the kept history, then the question with its sources. */
export function answerMessages(
  runtime: LanguageRuntime,
  frame: PromptFrame,
  question: string,
  sources: string,
): ModelMessage[] {
  const messages: ModelMessage[] = [];
  for (const example of runtime.prompts.fewShot) {
    messages.push({ role: 'user', content: example.user }, { role: 'assistant', content: example.assistant });
  }
  for (const turn of frame.history) messages.push({ role: turn.role, content: turn.content });
  const prompt = renderTemplate('rag', runtime.prompts.rag, {
    sources: sources === '' ? '(no passages matched the question)' : sources,
    question,
  });
  messages.push({ role: 'user', content: prompt });
  return messages;
}
