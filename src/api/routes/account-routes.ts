import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { createApiKey, listApiKeys, publicApiKey, revokeApiKey } from '../../accounts/api-keys.ts';
import { createUser, removeUser } from '../../accounts/users.ts';
import { authenticated, commonErrorResponses, errorResponse } from '../api-schemas.ts';
import type { AppEnvironment } from '../app-dependencies.ts';
import { requireRole } from '../auth/require-role.ts';

const userSchema = z
  .object({ id: z.string(), role: z.enum(['admin', 'member']), createdAt: z.string() })
  .openapi('Account');
const keySchema = z
  .object({
    id: z.string(),
    userId: z.string(),
    name: z.string(),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .openapi('ApiKey');
const json = <T extends z.ZodType>(description: string, schema: T) => ({
  description,
  content: { 'application/json': { schema } },
});
const admin = requireRole('admin');

const routes = {
  listUsers: createRoute({
    method: 'get',
    path: '/api/users',
    tags: ['accounts'],
    summary: 'Accounts (admin)',
    security: authenticated,
    middleware: admin,
    responses: { 200: json('Accounts', z.object({ users: z.array(userSchema) })), ...commonErrorResponses },
  }),
  addUser: createRoute({
    method: 'post',
    path: '/api/users',
    tags: ['accounts'],
    summary: 'Add an account (admin)',
    security: authenticated,
    middleware: admin,
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z.object({
              id: z.string().min(1).max(64),
              role: z.enum(['admin', 'member']).default('member'),
              password: z.string().min(1).max(1024),
            }),
          },
        },
      },
    },
    responses: {
      201: json('Added', z.object({ user: userSchema })),
      ...commonErrorResponses,
      409: errorResponse('The name is taken'),
    },
  }),
  removeUser: createRoute({
    method: 'delete',
    path: '/api/users/{id}',
    tags: ['accounts'],
    summary: 'Remove an account with its keys and sessions (admin)',
    security: authenticated,
    middleware: admin,
    request: { params: z.object({ id: z.string().min(1).max(64) }) },
    responses: {
      204: { description: 'Removed' },
      ...commonErrorResponses,
      404: errorResponse('Unknown account'),
    },
  }),
  listKeys: createRoute({
    method: 'get',
    path: '/api/keys',
    tags: ['accounts'],
    summary: "Your API keys (admins: add ?all=true for everyone's)",
    security: authenticated,
    request: { query: z.object({ all: z.enum(['true', 'false']).optional() }) },
    responses: {
      200: json('Keys (never their secrets)', z.object({ keys: z.array(keySchema) })),
      ...commonErrorResponses,
    },
  }),
  createKey: createRoute({
    method: 'post',
    path: '/api/keys',
    tags: ['accounts'],
    summary: 'Create an API key for yourself; the key is shown only in this response',
    security: authenticated,
    request: {
      body: {
        required: true,
        content: { 'application/json': { schema: z.object({ name: z.string().min(1).max(100) }) } },
      },
    },
    responses: {
      201: json('Created', z.object({ key: z.string(), record: keySchema })),
      ...commonErrorResponses,
    },
  }),
  revokeKey: createRoute({
    method: 'delete',
    path: '/api/keys/{id}',
    tags: ['accounts'],
    summary: "Revoke one of your API keys (admins: anyone's); revoking a revoked key changes nothing",
    security: authenticated,
    request: { params: z.object({ id: z.string().min(1).max(100) }) },
    responses: {
      204: { description: 'Revoked (now or before)' },
      ...commonErrorResponses,
      404: errorResponse('No such key of yours'),
    },
  }),
};

/** Accounts (admin only) and API keys (each account manages its own; admins see and revoke all). */
export function registerAccountRoutes(app: OpenAPIHono<AppEnvironment>): void {
  app.openapi(routes.listUsers, async (context) => {
    const users = await context.var.dependencies.catalog.listUsers();
    return context.json({ users: users.map(({ id, role, createdAt }) => ({ id, role, createdAt })) }, 200);
  });
  app.openapi(routes.addUser, async (context) => {
    const user = await createUser(context.var.dependencies, context.req.valid('json'));
    return context.json({ user: { id: user.id, role: user.role, createdAt: user.createdAt } }, 201);
  });
  app.openapi(routes.removeUser, async (context) => {
    await removeUser(context.var.dependencies.catalog, context.req.valid('param').id, {
      requester: context.var.identity.user,
    });
    return context.body(null, 204);
  });
  app.openapi(routes.listKeys, async (context) => {
    const { user } = context.var.identity;
    const everyone = context.req.valid('query').all === 'true';
    const keys = await listApiKeys(context.var.dependencies, {
      requester: user,
      ...(everyone ? {} : { userId: user.id }),
    });
    return context.json({ keys }, 200);
  });
  app.openapi(routes.createKey, async (context) => {
    const created = await createApiKey(context.var.dependencies, {
      userId: context.var.identity.user.id,
      name: context.req.valid('json').name,
    });
    return context.json({ key: created.key, record: publicApiKey(created.record) }, 201);
  });
  app.openapi(routes.revokeKey, async (context) => {
    await revokeApiKey(context.var.dependencies, context.req.valid('param').id, {
      requester: context.var.identity.user,
    });
    return context.body(null, 204);
  });
}
