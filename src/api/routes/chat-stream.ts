import { createUIMessageStream, type UIMessage, type UIMessageStreamWriter } from 'ai';
import { answerQuestion } from '../../assistant/answer-question.ts';
import type {
  AnswerResult,
  AssistantDependencies,
  PromptMessage,
  QuestionRequest,
} from '../../assistant/assistant-types.ts';
import { recordExchange, recordFailedExchange } from '../../assistant/conversations.ts';
import type { AppDependencies } from '../app-dependencies.ts';
import {
  answerFailureMessage,
  conversationStore,
  logAnswerFailure,
  type PassageView,
  passageView,
  type SourceView,
  sourceView,
} from '../assistant-access.ts';

/** `data-answer`: sent last, once the answer is complete and recorded. */
export interface ChatAnswerData {
  conversationId: string;
  model: string | null;
  /** The numbers of the cited sources, in order of first citation. */
  cited: number[];
  removedCitations: number;
  unsupported: boolean;
  /** Why no model answered (the sources are then the best passages), or `null`. */
  retrievalOnly: string | null;
}

/** `data-xray` (only when asked for): what was retrieved and exactly what the model was sent. */
export interface ChatXrayData {
  standaloneQuestion: string;
  prompt: PromptMessage[];
  passages: PassageView[];
}

/** The data parts of Quarry's chat stream, by name without the `data-` prefix. */
export type ChatDataParts = {
  sources: { sources: SourceView[] };
  xray: ChatXrayData;
  /** Sent first and transient: the conversation, known to the client even when the answer fails. */
  conversation: { conversationId: string };
  answer: ChatAnswerData;
};

/** A chat message of Quarry's stream, as `useChat` builds it. */
export type QuarryChatMessage = UIMessage<unknown, ChatDataParts>;

/** One chat answer to stream: the question with its history and filters, and where to record it. */
export interface ChatAnswer {
  dependencies: AppDependencies;
  assistant: AssistantDependencies;
  conversationId: string;
  request: Pick<QuestionRequest, 'question' | 'history' | 'filters' | 'abortSignal'>;
  xray: boolean;
  /** The request path, for log lines. */
  path: string;
}

type Writer = UIMessageStreamWriter<QuarryChatMessage>;

/**
 * The UI message stream of one answer: `start`, `data-conversation` (transient), `data-sources` (before any text), the checked answer as
 * `text-start`/`text-delta`/`text-end`, `data-xray` when asked for, `data-answer`, `finish`. The exchange
 * is recorded once complete; when answering fails the question is kept with the error, and the client
 * gets an `error` chunk with a sentence that is safe to show.
 */
export function answerStream(chat: ChatAnswer) {
  return createUIMessageStream<QuarryChatMessage>({
    execute: ({ writer }) => writeAnswer(chat, writer),
    onError: (error) => {
      logAnswerFailure(chat.dependencies, error, chat.path);
      return answerFailureMessage(error, chat.request.abortSignal);
    },
  });
}

async function writeAnswer(chat: ChatAnswer, writer: Writer): Promise<void> {
  writer.write({ type: 'start' });
  // First, so the client can continue this conversation even if the answer fails below.
  writer.write({ type: 'data-conversation', data: { conversationId: chat.conversationId }, transient: true });
  const text = textPart(writer);
  let prompt: PromptMessage[] = [];
  let result: AnswerResult;
  try {
    result = await answerQuestion(chat.assistant, {
      ...chat.request,
      onSources: (sources) =>
        writer.write({ type: 'data-sources', data: { sources: sources.map(sourceView) } }),
      onText: text.delta,
      ...(chat.xray ? { onPrompt: (messages: PromptMessage[]) => (prompt = messages) } : {}),
    });
  } catch (error) {
    text.end();
    await keepQuestion(chat, error);
    throw error;
  }
  text.end();
  if (chat.xray) writer.write({ type: 'data-xray', data: xrayData(result, prompt) });
  try {
    await recordExchange(conversationStore(chat.dependencies), chat.conversationId, result);
  } catch (error) {
    // The answer was shown but could not be stored: at least keep the question, and say so.
    await keepQuestion(chat, error);
    throw error;
  }
  writer.write({ type: 'data-answer', data: answerData(chat.conversationId, result) });
  writer.write({ type: 'finish' });
}

/** Writes text deltas as one text part, started with the first delta and ended once. */
function textPart(writer: Writer): { delta: (text: string) => void; end: () => void } {
  const id = 'answer';
  let state: 'idle' | 'open' | 'ended' = 'idle';
  return {
    delta: (delta) => {
      if (state === 'idle') writer.write({ type: 'text-start', id });
      state = 'open';
      writer.write({ type: 'text-delta', id, delta });
    },
    end: () => {
      if (state === 'open') writer.write({ type: 'text-end', id });
      state = 'ended';
    },
  };
}

/** Records the question with the error, so the conversation never loses it; a failure to do so is logged. */
async function keepQuestion(chat: ChatAnswer, error: unknown): Promise<void> {
  const message = answerFailureMessage(error, chat.request.abortSignal);
  try {
    const store = conversationStore(chat.dependencies);
    await recordFailedExchange(store, chat.conversationId, chat.request.question, message);
  } catch (recordError) {
    chat.dependencies.logger.error(
      { err: recordError, conversationId: chat.conversationId },
      'could not keep the question of a failed answer',
    );
  }
}

function xrayData(result: AnswerResult, prompt: PromptMessage[]): ChatXrayData {
  return { standaloneQuestion: result.standaloneQuestion, prompt, passages: result.sources.map(passageView) };
}

function answerData(conversationId: string, result: AnswerResult): ChatAnswerData {
  return {
    conversationId,
    model: result.model,
    cited: result.citations.map((source) => source.n),
    removedCitations: result.removedCitations,
    unsupported: result.unsupported,
    retrievalOnly: result.retrievalOnly?.reason ?? null,
  };
}
