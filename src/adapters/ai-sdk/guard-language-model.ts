import type { LanguageModelV3, LanguageModelV3StreamPart } from '@ai-sdk/provider';
import { wrapLanguageModel } from 'ai';
import type { Redactor } from '../../core/redact.ts';
import { redactModelError } from './redact-model-error.ts';

/**
 * Wraps an AI SDK language model so that no secret leaves through an error, whether the call fails
 * before answering or the stream fails half-way (an `error` part).
 */
export function guardLanguageModel(model: LanguageModelV3, redact: Redactor): LanguageModelV3 {
  return wrapLanguageModel({
    model,
    middleware: {
      specificationVersion: 'v3',
      wrapGenerate: async ({ doGenerate }) => {
        try {
          return await doGenerate();
        } catch (error) {
          throw redactModelError(error, redact);
        }
      },
      wrapStream: async ({ doStream }) => {
        let result: Awaited<ReturnType<typeof doStream>>;
        try {
          result = await doStream();
        } catch (error) {
          throw redactModelError(error, redact);
        }
        const redactParts = new TransformStream<LanguageModelV3StreamPart, LanguageModelV3StreamPart>({
          transform(part, controller) {
            controller.enqueue(
              part.type === 'error' ? { ...part, error: redactModelError(part.error, redact) } : part,
            );
          },
        });
        return { ...result, stream: result.stream.pipeThrough(redactParts) };
      },
    },
  });
}
