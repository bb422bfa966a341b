import type { FinishReason } from 'ai';
import { UpstreamError } from '../core/errors/index.ts';
import type { LanguageRuntime } from '../core/ports/language-runtime.ts';
import type { MissingCodeReason } from './extract-code.ts';

const maxPreviewLength = 120;

/** What the model said, for {@link missingCodeError}. */
export interface ReplySummary {
  text: string;
  finishReason: FinishReason;
}

/**
 * The error for a reply without usable code. A cut-off answer is told apart from one that simply has no
 * code block, because their fixes differ (more output tokens versus clearer instructions or a better
 * model); a short quote of the reply shows the user what came back instead.
 */
export function missingCodeError(
  runtime: LanguageRuntime,
  reason: MissingCodeReason,
  reply: ReplySummary,
): UpstreamError {
  const model = `The model ${runtime.name}`;
  if (reply.finishReason === 'length') {
    return new UpstreamError(
      `${model} was cut off at its limit of ${runtime.maxOutputTokens} output tokens before the code was complete.`,
      { hint: 'Raise maxOutputTokens in the model entry, or ask for less code at once.' },
    );
  }
  if (reason === 'truncated') {
    return new UpstreamError(`${model} stopped inside an unfinished code block, so the answer was cut off.`, {
      hint: 'Try again; if it keeps happening, raise maxOutputTokens or use another model.',
    });
  }
  if (reply.finishReason === 'content-filter') {
    return new UpstreamError(`${model} refused the request (content filter) and returned no code.`, {
      hint: 'Rephrase the request.',
    });
  }
  return new UpstreamError(`${model} returned ${describeReply(reason, reply.text)}.`, {
    hint: 'Try again with more specific instructions, or use a model that follows formatting instructions: the reply must contain a fenced code block (```).',
  });
}

function describeReply(reason: MissingCodeReason, text: string): string {
  const preview = shorten(text, maxPreviewLength);
  if (preview === '') return 'an empty answer';
  const what = reason === 'empty-block' ? 'an empty code block' : 'no code block';
  return `${what}; it replied: ${JSON.stringify(preview)}`;
}

function shorten(text: string, length: number): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > length ? `${oneLine.slice(0, length)}…` : oneLine;
}
