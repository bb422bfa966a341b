import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { authenticated, commonErrorResponses } from '../api-schemas.ts';
import type { AppEnvironment } from '../app-dependencies.ts';

const modelSchema = z
  .object({
    name: z.string().openapi({ description: 'What to send as "model"' }),
    provider: z.string(),
    model: z.string(),
    origin: z.string(),
    isDefault: z.boolean(),
    reachable: z.boolean(),
    reason: z.string().nullable(),
  })
  .openapi('Model');

const modelsRoute = createRoute({
  method: 'get',
  path: '/api/models',
  tags: ['models'],
  summary: 'Configured and discovered language models, with reachability',
  security: authenticated,
  responses: {
    200: {
      description: 'Models',
      content: {
        'application/json': {
          schema: z.object({
            default: z.string(),
            models: z.array(modelSchema).openapi({ description: 'The models requests may name' }),
            discovered: z
              .array(modelSchema)
              .openapi({ description: 'Found on model servers; an admin can add them to models.entries' }),
            notes: z.array(z.string()),
          }),
        },
      },
    },
    ...commonErrorResponses,
  },
});

/** `GET /api/models`: what the model selector offers. */
export function registerModelRoutes(app: OpenAPIHono<AppEnvironment>): void {
  app.openapi(modelsRoute, async (context) => {
    const list = await context.var.dependencies.models.list();
    const models = list.rows.map((row) => ({
      name: row.name,
      provider: row.provider,
      model: row.model,
      origin: row.origin,
      isDefault: row.isDefault,
      reachable: row.reachable,
      reason: row.detail || null,
    }));
    const selectable = models.filter((row) => row.origin !== 'discovered');
    const fallback = selectable[0]?.name ?? 'local';
    return context.json(
      {
        default: selectable.find((row) => row.isDefault)?.name ?? fallback,
        models: selectable,
        discovered: models.filter((row) => row.origin === 'discovered'),
        notes: list.notes,
      },
      200,
    );
  });
}
