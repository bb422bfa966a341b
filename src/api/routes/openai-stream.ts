import { answerQuestion } from '../../assistant/answer-question.ts';
import type { AssistantDependencies, QuestionRequest } from '../../assistant/assistant-types.ts';
import type { AppDependencies } from '../app-dependencies.ts';
import {
  answerText,
  type CompletionIdentity,
  chunkBody,
  finishReasonOf,
  openAiError,
  sourcesList,
  usageOf,
} from '../openai-wire.ts';

/** One streamed chat completion. */
export interface StreamedCompletion {
  dependencies: AppDependencies;
  assistant: AssistantDependencies;
  request: Pick<QuestionRequest, 'question' | 'history' | 'abortSignal'>;
  identity: CompletionIdentity;
  /** `stream_options.include_usage`: send a last chunk with `usage` and no choices. */
  includeUsage: boolean;
}

/**
 * A chat completion as OpenAI streams it: server-sent `data:` lines with `chat.completion.chunk`s (the role
 * first, then the checked answer as `delta.content`, then the "Sources:" list, then an empty delta with
 * `finish_reason`), and `data: [DONE]`. When the model fails half-way, a last `data: {"error": …}` line
 * (OpenAI's error shape, a safe message) ends the stream instead.
 */
export function streamCompletion(completion: StreamedCompletion): Response {
  const encoder = new TextEncoder();
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (data: unknown) => {
        try {
          controller.enqueue(
            encoder.encode(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`),
          );
        } catch {
          // The client went away (the stream was cancelled); the answer is being aborted.
        }
      };
      // Not awaited: chunks reach the client as they are sent, while the answer streams.
      void writeCompletion(completion, send).finally(() => {
        try {
          controller.close();
        } catch {
          // Already closed by a cancel.
        }
      });
    },
  });
  return new Response(stream, {
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' },
  });
}

async function writeCompletion(completion: StreamedCompletion, send: (data: unknown) => void): Promise<void> {
  const { identity } = completion;
  send(chunkBody(identity, { role: 'assistant', content: '' }));
  try {
    const result = await answerQuestion(completion.assistant, {
      ...completion.request,
      onText: (text) => send(chunkBody(identity, { content: text })),
    });
    const tail = `${result.retrievalOnly ? answerText(result) : ''}${sourcesList(result)}`;
    if (tail !== '') send(chunkBody(identity, { content: tail }));
    send(chunkBody(identity, {}, finishReasonOf(result)));
    if (completion.includeUsage) {
      send({ ...identity, object: 'chat.completion.chunk', choices: [], usage: usageOf(result) });
    }
    send('[DONE]');
  } catch (error) {
    send(openAiError(completion.dependencies, error).body);
  }
}
