import { streamText } from 'ai';
import { ValidationError } from '../core/errors/index.ts';
import type { KnowledgeHit, KnowledgeSearchResult } from '../knowledge/search-knowledge.ts';
import type { LanguageRuntime } from '../models/language-runtime.ts';
import { modelFailure } from '../models/model-failure.ts';
import { answerMessages, frameAnswerPrompt } from './answer-prompt.ts';
import { answerSource, renderSource } from './answer-sources.ts';
import type { AnswerResult, AnswerUsage, AssistantDependencies, QuestionRequest } from './assistant-types.ts';
import { CitationChecker } from './citation-checker.ts';
import { condenseQuestion } from './condense-question.ts';
import { packContext } from './pack-context.ts';

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
  const generated = await streamAnswer(
    runtime,
    answerMessages(runtime, frame, question, packed.text),
    sources.length,
    request,
  );
  return {
    question,
    standaloneQuestion: condensed.question,
    answer: generated.text,
    citations: generated.cited.flatMap((n) => sources.filter((source) => source.n === n)),
    sources,
    removedCitations: generated.removed,
    unsupported: generated.unsupported,
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

/** What one streamed generation produced, after citation checking. */
interface Generated {
  text: string;
  cited: number[];
  removed: number;
  unsupported: boolean;
  usage: AnswerUsage;
  finishReason: string;
}

async function streamAnswer(
  runtime: LanguageRuntime,
  messages: ReturnType<typeof answerMessages>,
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
  const result = streamText({
    model: runtime.model,
    system: runtime.prompts.system,
    messages,
    maxOutputTokens: runtime.maxOutputTokens,
    ...(runtime.temperature === undefined ? {} : { temperature: runtime.temperature }),
    ...(request.abortSignal === undefined ? {} : { abortSignal: request.abortSignal }),
    // Errors arrive as stream parts and are turned into one clear error below; the default logs them.
    onError: () => {},
  });
  let usage: AnswerUsage = {};
  let finishReason = 'unknown';
  try {
    for await (const part of result.fullStream) {
      if (part.type === 'text-delta') emit(checker.push(part.text));
      else if (part.type === 'error') throw part.error;
      else if (part.type === 'abort')
        throw request.abortSignal?.reason ?? new Error('The answer was aborted.');
      else if (part.type === 'finish') {
        finishReason = part.finishReason;
        usage = addUsage(
          {},
          { inputTokens: part.totalUsage.inputTokens, outputTokens: part.totalUsage.outputTokens },
        );
      }
    }
  } catch (error) {
    // A stream cut off half-way throws from the iteration itself rather than sending an error part.
    throw streamFailure(runtime, error, request.abortSignal);
  }
  emit(checker.finish());
  const report = checker.report();
  return {
    text,
    cited: report.cited,
    removed: report.removed,
    unsupported: report.unsupported,
    usage,
    finishReason,
  };
}

function streamFailure(
  runtime: LanguageRuntime,
  error: unknown,
  abortSignal: AbortSignal | undefined,
): unknown {
  if (abortSignal?.aborted) return abortSignal.reason;
  return modelFailure(runtime.name, error);
}

async function retrievalOnlyAnswer(
  dependencies: AssistantDependencies,
  request: QuestionRequest,
  question: string,
): Promise<AnswerResult> {
  const k = request.k ?? dependencies.retrievalK;
  const found = await retrieve(dependencies, request, question, k);
  const sources = found.hits.map((hit: KnowledgeHit, index) => answerSource(hit, index + 1));
  return {
    question,
    standaloneQuestion: question,
    answer: '',
    citations: [],
    sources,
    removedCitations: 0,
    unsupported: false,
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

/** Sums token counts, keeping a field only when some call reported it. */
function addUsage(
  first: AnswerUsage,
  second: { inputTokens?: number | undefined; outputTokens?: number | undefined },
): AnswerUsage {
  const sum = (a: number | undefined, b: number | undefined) =>
    a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0);
  const inputTokens = sum(first.inputTokens, second.inputTokens);
  const outputTokens = sum(first.outputTokens, second.outputTokens);
  const totalTokens = sum(inputTokens, outputTokens);
  return {
    ...(inputTokens === undefined ? {} : { inputTokens }),
    ...(outputTokens === undefined ? {} : { outputTokens }),
    ...(totalTokens === undefined ? {} : { totalTokens }),
  };
}
