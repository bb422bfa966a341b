import { type OpenAPIHono, z } from '@hono/zod-openapi';
import { createUIMessageStreamResponse } from 'ai';
import type { ChatTurn } from '../../assistant/assistant-types.ts';
import { loadHistory, openConversation } from '../../assistant/conversations.ts';
import { ValidationError } from '../../core/errors/index.ts';
import type { ConversationRecord } from '../../core/ports/catalog.ts';
import { authenticated, commonErrorResponses, errorResponse } from '../api-schemas.ts';
import type { AppDependencies, AppEnvironment } from '../app-dependencies.ts';
import {
  conversationStore,
  openRequestAssistant,
  resumeConversation,
  searchFiltersFor,
} from '../assistant-access.ts';
import { maxQuestionLength, scopeSchema } from '../assistant-schemas.ts';
import { readJsonBody } from '../read-json-body.ts';
import { answerStream } from './chat-stream.ts';

const messagePartSchema = z.looseObject({ type: z.string(), text: z.string().optional() });

const uiMessageSchema = z
  .looseObject({
    id: z.string(),
    role: z.enum(['system', 'user', 'assistant']),
    parts: z.array(messagePartSchema).max(1000),
  })
  .openapi('ChatUiMessage', {
    description: 'A message as `useChat` (AI SDK UI) holds it; only text parts are read.',
  });

const chatBodySchema = z
  .object({
    id: z.string().min(1).max(200).openapi({ description: 'The chat id chosen by the client.' }),
    messages: z.array(uiMessageSchema).min(1).max(1000).openapi({
      description:
        'The chat so far; the question is the text of the last user message. Earlier messages are the history unless `conversationId` is given.',
    }),
    trigger: z.enum(['submit-message', 'regenerate-message']).optional(),
    messageId: z.string().optional(),
    model: z
      .string()
      .min(1)
      .max(512)
      .optional()
      .openapi({ description: 'A model entry name or `provider:model-id`.' }),
    scope: scopeSchema.optional(),
    xray: z
      .boolean()
      .optional()
      .openapi({ description: 'Also send a `data-xray` part: passages and the exact prompt.' }),
    conversationId: z.string().min(1).max(200).optional().openapi({
      description:
        'Continue this conversation of yours (its stored history is used); without it a new one is created.',
    }),
  })
  .openapi('ChatRequest');

type ChatBody = z.infer<typeof chatBodySchema>;

/**
 * `POST /api/chat`: the web app's chat (`useChat` with `DefaultChatTransport`), answered as an AI SDK UI
 * message stream (see {@link answerStream} for its parts). Everything that can be refused (the body, the
 * conversation, the scope, the model) is checked before the stream starts, so those are plain JSON errors.
 */
export function registerChatRoute(app: OpenAPIHono<AppEnvironment>): void {
  registerChatDocs(app);
  app.post('/api/chat', async (context) => {
    const dependencies = context.var.dependencies;
    const owner = context.var.identity.user.id;
    const body = await readJsonBody(context.req, chatBodySchema);
    const { question, earlier } = splitQuestion(body.messages);
    const filters = await searchFiltersFor(dependencies, body.scope, undefined);
    const store = conversationStore(dependencies);
    const resumed =
      body.conversationId === undefined
        ? undefined
        : await resumeConversation(dependencies, body.conversationId, owner);
    const assistant = await openRequestAssistant(dependencies, body.model);
    const history = resumed ? await storedHistory(dependencies, resumed, body, question) : earlier;
    // Created before the answer streams, so a failing model still leaves the question in the conversation.
    const conversation = resumed ?? (await openConversation(store, { firstQuestion: question, owner }));
    const stream = answerStream({
      dependencies,
      assistant,
      conversationId: conversation.id,
      request: { question, history, filters, abortSignal: context.req.raw.signal },
      xray: body.xray === true,
      path: context.req.path,
    });
    return createUIMessageStreamResponse({ stream });
  });
}

/** The question (the text of the last user message) and the user and assistant turns before it. */
function splitQuestion(messages: ChatBody['messages']): { question: string; earlier: ChatTurn[] } {
  const last = messages.findLastIndex((message) => message.role === 'user');
  const message = messages[last];
  if (message === undefined) {
    throw new ValidationError('Invalid request: messages: there is no user message to answer.');
  }
  const question = textOf(message).trim();
  if (question === '')
    throw new ValidationError('Invalid request: messages: the last user message has no text.');
  if (question.length > maxQuestionLength) {
    throw new ValidationError(
      `Invalid request: messages: the question is ${question.length} characters long; at most ${maxQuestionLength} are accepted.`,
    );
  }
  const earlier = messages
    .slice(0, last)
    .flatMap((turn): ChatTurn[] =>
      turn.role === 'system' || textOf(turn).trim() === ''
        ? []
        : [{ role: turn.role, content: textOf(turn) }],
    );
  return { question, earlier };
}

function textOf(message: ChatBody['messages'][number]): string {
  return message.parts.map((part) => (part.type === 'text' ? (part.text ?? '') : '')).join('');
}

/**
 * The stored history of a resumed conversation. Regenerating an answer sends the question again: its
 * earlier exchange, the last one stored, is left out so the model does not see the answer it replaces.
 */
async function storedHistory(
  dependencies: AppDependencies,
  conversation: ConversationRecord,
  body: ChatBody,
  question: string,
): Promise<ChatTurn[]> {
  const turns = dependencies.settings.historyTurns;
  const history = await loadHistory(dependencies.catalog, conversation.id, turns + 2);
  const [asked, answered] = history.slice(-2);
  const replaced =
    body.trigger === 'regenerate-message' && asked?.content === question && answered?.role === 'assistant';
  return (replaced ? history.slice(0, -2) : history).slice(-turns);
}

function registerChatDocs(app: OpenAPIHono<AppEnvironment>): void {
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: '/api/chat',
    tags: ['assistant'],
    summary: 'Chat with the assistant (AI SDK UI message stream, for useChat)',
    description:
      'Server-sent events in the AI SDK UI message stream protocol: `start`, `data-sources` `{sources}`, `text-start`/`text-delta`/`text-end` (the checked answer), `data-xray` `{standaloneQuestion, prompt, passages}` when `xray` is true, `data-answer` `{conversationId, model, cited, removedCitations, unsupported, retrievalOnly}`, `finish`. A failure while answering is an `error` chunk; the conversation keeps the question.',
    security: authenticated,
    request: { body: { required: true, content: { 'application/json': { schema: chatBodySchema } } } },
    responses: {
      200: {
        description: 'The answer as a UI message stream',
        content: { 'text/event-stream': { schema: z.string() } },
      },
      ...commonErrorResponses,
      404: errorResponse('Unknown conversation, repository or source'),
    },
  });
}
