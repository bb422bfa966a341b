import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnvironment } from '../app-dependencies.ts';

const checkSchema = z.object({ name: z.string(), ok: z.boolean(), error: z.string().optional() });

const livenessRoute = createRoute({
  method: 'get',
  path: '/healthz',
  tags: ['health'],
  summary: 'Liveness: the process answers',
  responses: {
    200: { description: 'Alive', content: { 'application/json': { schema: z.object({ ok: z.boolean() }) } } },
  },
});

const readinessRoute = createRoute({
  method: 'get',
  path: '/readyz',
  tags: ['health'],
  summary: 'Readiness: catalog, object store and search index reachable',
  responses: {
    200: {
      description: 'Ready',
      content: {
        'application/json': { schema: z.object({ ok: z.boolean(), checks: z.array(checkSchema) }) },
      },
    },
    503: {
      description: 'Not ready',
      content: {
        'application/json': { schema: z.object({ ok: z.boolean(), checks: z.array(checkSchema) }) },
      },
    },
  },
});

/** `/healthz` and `/readyz`, open to everyone (load balancers and orchestrators call them). */
export function registerHealthRoutes(app: OpenAPIHono<AppEnvironment>): void {
  app.openapi(livenessRoute, (context) => context.json({ ok: true }, 200));
  app.openapi(readinessRoute, async (context) => {
    const { catalog, store, knowledge } = context.var.dependencies;
    const checks = await Promise.all([
      runCheck('catalog', () => catalog.listRepos()),
      runCheck('store', async () => {
        for await (const _ of store.list('current/')) break;
      }),
      runCheck('index', () => knowledge.check()),
    ]);
    const ok = checks.every((check) => check.ok);
    return context.json({ ok, checks }, ok ? 200 : 503);
  });
}

/** Runs one readiness check; the error is reported by name only, never with internals such as paths. */
async function runCheck(name: string, check: () => Promise<unknown>): Promise<z.infer<typeof checkSchema>> {
  try {
    await check();
    return { name, ok: true };
  } catch (error) {
    return { name, ok: false, error: error instanceof Error ? error.name : 'failed' };
  }
}
