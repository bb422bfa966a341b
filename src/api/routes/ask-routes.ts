import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { answerQuestion } from '../../assistant/answer-question.ts';
import type { AnswerResult } from '../../assistant/assistant-types.ts';
import { loadHistory, recordExchange, recordFailedExchange } from '../../assistant/conversations.ts';
import { QuarryError } from '../../core/errors/index.ts';
import type { ConversationRecord } from '../../core/ports/catalog.ts';
import { authenticated, commonErrorResponses, errorResponse } from '../api-schemas.ts';
import type { AppDependencies, AppEnvironment } from '../app-dependencies.ts';
import {
  answerFailureMessage,
  conversationStore,
  openRequestAssistant,
  passageView,
  resumeConversation,
  searchFiltersFor,
  sourceView,
} from '../assistant-access.ts';
import {
  citationSupportSchema,
  filtersSchema,
  maxQuestionLength,
  passageViewSchema,
  scopeSchema,
  sourceViewSchema,
  usageSchema,
} from '../assistant-schemas.ts';

const askBodySchema = z.object({
  question: z
    .string()
    .trim()
    .min(1)
    .max(maxQuestionLength)
    .openapi({ example: 'How are failed requests retried?' }),
  model: z.string().min(1).max(512).optional().openapi({
    description:
      'A configured model entry name or `provider:model-id`; default: the configured default model.',
  }),
  scope: scopeSchema.optional(),
  filters: filtersSchema.optional(),
  k: z
    .number()
    .int()
    .min(1)
    .max(50)
    .optional()
    .openapi({ description: 'Passages to retrieve before packing.' }),
  conversationId: z.string().min(1).max(200).optional().openapi({
    description: 'Continue this conversation of yours: its history is used and the exchange recorded.',
  }),
});

const askResponseSchema = z
  .object({
    answer: z
      .string()
      .openapi({ description: 'The answer with checked `[n]` markers; empty when retrieval-only.' }),
    citations: z.array(sourceViewSchema).openapi({
      description:
        'The cited sources in order of first citation; for a retrieval-only answer, the best passages.',
    }),
    passages: z.array(passageViewSchema).optional().openapi({
      description: 'Retrieval-only answers: the best passages with their text.',
    }),
    standaloneQuestion: z.string(),
    model: z.string().nullable(),
    unsupported: z
      .boolean()
      .openapi({ description: 'Sources were given but the answer cites none of them.' }),
    removedCitations: z.number().int(),
    citationSupport: citationSupportSchema,
    retrievalOnly: z.string().nullable().openapi({ description: 'Why no model answered, when none did.' }),
    conversationId: z.string().nullable(),
    usage: usageSchema,
  })
  .openapi('AskResponse');

const askRoute = createRoute({
  method: 'post',
  path: '/api/ask',
  tags: ['assistant'],
  summary: 'Answer a question from the knowledge base, with checked citations',
  description:
    'Without `conversationId` nothing is stored. With one (it must be yours), its history is sent with the question and the exchange is recorded; a failed answer keeps the question with the error.',
  security: authenticated,
  request: { body: { required: true, content: { 'application/json': { schema: askBodySchema } } } },
  responses: {
    200: { description: 'The answer', content: { 'application/json': { schema: askResponseSchema } } },
    ...commonErrorResponses,
    404: errorResponse('Unknown conversation, repository or source'),
    502: errorResponse('The language model failed'),
  },
});

/** `POST /api/ask`: one question, answered as JSON (for scripts and tools; the web app uses `/api/chat`). */
export function registerAskRoute(app: OpenAPIHono<AppEnvironment>): void {
  app.openapi(askRoute, async (context) => {
    const dependencies = context.var.dependencies;
    const body = context.req.valid('json');
    const filters = await searchFiltersFor(dependencies, body.scope, body.filters);
    const conversation =
      body.conversationId === undefined
        ? undefined
        : await resumeConversation(dependencies, body.conversationId, context.var.identity.user.id);
    const assistant = await openRequestAssistant(dependencies, body.model);
    const history = conversation
      ? await loadHistory(dependencies.catalog, conversation.id, assistant.historyTurns)
      : [];
    const signal = context.req.raw.signal;
    const result = await recorded(dependencies, conversation, body.question, signal, () =>
      answerQuestion(assistant, {
        question: body.question,
        history,
        filters,
        abortSignal: signal,
        ...(body.k === undefined ? {} : { k: body.k }),
      }),
    );
    return context.json(askResponse(result, conversation?.id ?? null), 200);
  });
}

/**
 * Runs `answer` and records the outcome in `conversation`, when there is one: the exchange once it
 * succeeded, or the question with the error when answering failed (a rejected question keeps nothing).
 */
async function recorded(
  dependencies: AppDependencies,
  conversation: ConversationRecord | undefined,
  question: string,
  signal: AbortSignal,
  answer: () => Promise<AnswerResult>,
): Promise<AnswerResult> {
  const store = conversationStore(dependencies);
  let result: AnswerResult;
  try {
    result = await answer();
  } catch (error) {
    if (conversation && !(QuarryError.is(error) && error.code === 'validation')) {
      const message = answerFailureMessage(error, signal);
      await recordFailedExchange(store, conversation.id, question, message);
    }
    throw error;
  }
  if (conversation) await recordExchange(store, conversation.id, result);
  return result;
}

function askResponse(result: AnswerResult, conversationId: string | null): z.infer<typeof askResponseSchema> {
  return {
    answer: result.answer,
    citations: (result.retrievalOnly ? result.sources : result.citations).map(sourceView),
    ...(result.retrievalOnly ? { passages: result.sources.map(passageView) } : {}),
    standaloneQuestion: result.standaloneQuestion,
    model: result.model,
    unsupported: result.unsupported,
    removedCitations: result.removedCitations,
    citationSupport: result.citationSupport,
    retrievalOnly: result.retrievalOnly?.reason ?? null,
    conversationId,
    usage: result.usage,
  };
}
