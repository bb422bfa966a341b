import type { ModelMessage } from 'ai';
import { ValidationError } from '../core/errors/index.ts';
import type { KnowledgeHit, KnowledgeSearchResult } from '../knowledge/search-knowledge.ts';
import { answerMessages, frameAnswerPrompt } from './answer-prompt.ts';
import { answerSource, renderSource } from './answer-sources.ts';
import { addUsage } from './answer-usage.ts';
import type {
  AnswerResult,
  AssistantDependencies,
  PromptMessage,
  QuestionRequest,
} from './assistant-types.ts';
import { checkCitationSupport } from './citation-support.ts';
import { condenseQuestion } from './condense-question.ts';
import { packContext } from './pack-context.ts';
import { streamAnswer } from './stream-answer.ts';

/**
 * Answers one question from the knowledge base (the "ask" data flow): condense a follow-up into a
 * standalone question, retrieve, pack the best passages into the model's context budget without cutting
 * one in half, stream the answer through the citation checker, and return it with the sources it cites.
 * Without a model the best passages are returned as a retrieval-only answer. Nothing here stores
 * anything: the caller records the exchange only once it succeeded, so a failure never touches history.
 */
export async function answerQuestion(
  dependencies: AssistantDependencies,
  request: QuestionRequest,
): Promise<AnswerResult> {
  const question = checkQuestion(request.question);
  const runtime = dependencies.runtime;
  if (runtime === undefined) return retrievalOnlyAnswer(dependencies, request, question);
  const history = (request.history ?? []).slice(-dependencies.historyTurns);
  // Checked before any model call, so an over-long question costs nothing; the history that fits the
  // answer's budget is also all that condensing sees, so a long conversation never outgrows the context.
  const frame = frameAnswerPrompt(runtime, question, history);
  const condensed = await condenseQuestion(runtime, question, frame.history, request.abortSignal);
  const k = request.k ?? dependencies.retrievalK;
  const found = await retrieve(dependencies, request, condensed.question, k);
  const packed = packContext(found.hits, {
    budgetTokens: frame.sourceBudget,
    countTokens: (text) => runtime.countTokens(text),
    render: renderSource,
  });
  const sources = packed.items.map((hit, index) => answerSource(hit, index + 1));
  request.onSources?.(sources);
  const messages = answerMessages(runtime, frame, question, packed.text);
  request.onPrompt?.(promptMessages(runtime.prompts.system, messages));
  const generated = await streamAnswer(runtime, messages, sources.length, request);
  return {
    question,
    standaloneQuestion: condensed.question,
    answer: generated.text,
    citations: generated.cited.flatMap((n) => sources.filter((source) => source.n === n)),
    sources,
    removedCitations: generated.removed,
    unsupported: generated.unsupported,
    citationSupport: checkCitationSupport(generated.text, sources),
    model: runtime.name,
    usage: addUsage(condensed.usage, generated.usage),
    finishReason: generated.finishReason,
    retrieval: {
      mode: found.mode,
      k,
      retrieved: found.hits.length,
      packed: sources.length,
      warnings: found.warnings,
    },
  };
}

/** The question, trimmed; an empty one is a `ValidationError`. Needs no model, so callers check it first. */
export function checkQuestion(text: string): string {
  const question = text.trim();
  if (question === '') {
    throw new ValidationError('The question is empty.', {
      hint: 'Ask a question, e.g. quarry ask "How do I configure retries?"',
    });
  }
  return question;
}

function retrieve(
  dependencies: AssistantDependencies,
  request: QuestionRequest,
  text: string,
  k: number,
): Promise<KnowledgeSearchResult> {
  return dependencies.search({
    text,
    limit: k,
    filters: request.filters ?? {},
    ...(request.mode === undefined ? {} : { mode: request.mode }),
  });
}

async function retrievalOnlyAnswer(
  dependencies: AssistantDependencies,
  request: QuestionRequest,
  question: string,
): Promise<AnswerResult> {
  const k = request.k ?? dependencies.retrievalK;
  const found = await retrieve(dependencies, request, question, k);
  const sources = found.hits.map((hit: KnowledgeHit, index) => answerSource(hit, index + 1));
  request.onSources?.(sources);
  return {
    question,
    standaloneQuestion: question,
    answer: '',
    citations: [],
    sources,
    removedCitations: 0,
    unsupported: false,
    citationSupport: { checked: 0, weak: [] },
    model: null,
    usage: {},
    retrieval: {
      mode: found.mode,
      k,
      retrieved: found.hits.length,
      packed: sources.length,
      warnings: found.warnings,
    },
    retrievalOnly: { reason: dependencies.unavailableReason ?? 'no language model is configured' },
  };
}

/** The answer prompt as plain text messages, exactly as the model gets it: the system prompt, then `messages`. */
function promptMessages(system: string, messages: ModelMessage[]): PromptMessage[] {
  const text = (content: ModelMessage['content']) =>
    typeof content === 'string' ? content : content.map((part) => ('text' in part ? part.text : '')).join('');
  const prompt = messages.map((message) => ({ role: message.role, content: text(message.content) }));
  return [{ role: 'system', content: system }, ...prompt];
}
