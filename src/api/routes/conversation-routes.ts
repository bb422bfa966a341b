import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import {
  deleteConversation,
  type FindConversationOptions,
  findConversation,
  listConversations,
} from '../../assistant/conversation-access.ts';
import type { ConversationRecord } from '../../core/ports/catalog.ts';
import { authenticated, commonErrorResponses, errorResponse } from '../api-schemas.ts';
import type { AppEnvironment } from '../app-dependencies.ts';
import { sourceKeyOf } from '../source-key.ts';

const conversationSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    createdAt: z.string(),
    updatedAt: z.string(),
    messageCount: z.number(),
  })
  .openapi('Conversation');
const messageSchema = z.object({
  seq: z.number(),
  role: z.enum(['user', 'assistant']),
  content: z.string(),
  metadata: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
});
const idParameter = z.object({ id: z.string().min(1).max(200) });

const routes = {
  list: createRoute({
    method: 'get',
    path: '/api/conversations',
    tags: ['assistant'],
    summary: 'Your conversations, most recent first',
    security: authenticated,
    request: { query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }) },
    responses: {
      200: {
        description: 'Conversations',
        content: { 'application/json': { schema: z.object({ conversations: z.array(conversationSchema) }) } },
      },
      ...commonErrorResponses,
    },
  }),
  read: createRoute({
    method: 'get',
    path: '/api/conversations/{id}',
    tags: ['assistant'],
    summary: 'One of your conversations with its messages',
    security: authenticated,
    request: { params: idParameter },
    responses: {
      200: {
        description: 'The conversation',
        content: {
          'application/json': {
            schema: z.object({ conversation: conversationSchema, messages: z.array(messageSchema) }),
          },
        },
      },
      ...commonErrorResponses,
      404: errorResponse('No such conversation of yours'),
    },
  }),
  remove: createRoute({
    method: 'delete',
    path: '/api/conversations/{id}',
    tags: ['assistant'],
    summary: 'Delete one of your conversations',
    security: authenticated,
    request: { params: idParameter },
    responses: {
      204: { description: 'Deleted' },
      ...commonErrorResponses,
      404: errorResponse('No such conversation of yours'),
    },
  }),
};

/** Conversations of the signed-in account; another account's conversation is reported as not found. */
export function registerConversationRoutes(app: OpenAPIHono<AppEnvironment>): void {
  app.openapi(routes.list, async (context) => {
    const { limit } = context.req.valid('query');
    const owner = context.var.identity.user.id;
    const conversations = await listConversations(context.var.dependencies.catalog, { limit, owner });
    return context.json({ conversations: conversations.map(conversationView) }, 200);
  });
  app.openapi(routes.read, async (context) => {
    const { catalog } = context.var.dependencies;
    const id = context.req.valid('param').id;
    const conversation = await findConversation(catalog, id, ownedBy(context.var.identity.user.id));
    const messages = await catalog.listMessages(conversation.id);
    return context.json(
      {
        conversation: conversationView(conversation),
        messages: messages.map(({ conversationId: _id, ...message }) => withSourceKeys(message)),
      },
      200,
    );
  });
  app.openapi(routes.remove, async (context) => {
    const id = context.req.valid('param').id;
    await deleteConversation(context.var.dependencies.catalog, id, ownedBy(context.var.identity.user.id));
    return context.body(null, 204);
  });
}

function ownedBy(owner: string): FindConversationOptions {
  return { owner, notFoundHint: 'GET /api/conversations lists yours.' };
}

/** Stored citations keep locations only; the source viewer also needs each one's object key. */
function withSourceKeys<T extends { metadata: Record<string, unknown> }>(message: T): T {
  const citations = message.metadata.citations;
  if (!Array.isArray(citations)) return message;
  const keyed = citations.map((citation: { repo?: string | null; version?: string; path?: string }) => ({
    ...citation,
    key: sourceKeyOf({
      repo: citation.repo ?? null,
      version: citation.version ?? '',
      path: citation.path ?? '',
    }),
  }));
  return { ...message, metadata: { ...message.metadata, citations: keyed } };
}

function conversationView(conversation: ConversationRecord): z.infer<typeof conversationSchema> {
  const { owner: _owner, ...visible } = conversation;
  return visible;
}
