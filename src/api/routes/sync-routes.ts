import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { ValidationError } from '../../core/errors/index.ts';
import { requireRepo } from '../../sync/repo-registry.ts';
import { authenticated, commonErrorResponses, errorResponse } from '../api-schemas.ts';
import type { AppEnvironment } from '../app-dependencies.ts';
import { requireRole } from '../auth/require-role.ts';

const startSchema = z.object({ repo: z.string().min(3).max(200).optional(), force: z.boolean().optional() });

const startRoute = createRoute({
  method: 'post',
  path: '/api/sync',
  tags: ['repositories'],
  summary: 'Start a sync (then index) of every enabled repository, or of one (admin)',
  security: authenticated,
  middleware: requireRole('admin'),
  description:
    'Optional JSON body: {"repo": "owner/name", "force": true}. An empty body syncs every enabled repository.',
  responses: {
    202: {
      description: 'Started',
      content: { 'application/json': { schema: z.object({ started: z.boolean(), startedAt: z.string() }) } },
    },
    ...commonErrorResponses,
    404: errorResponse('Unknown repository'),
    409: errorResponse('A sync is already running'),
  },
});

const progressSchema = z.object({
  repoId: z.string(),
  phase: z.string(),
  tag: z.string().optional(),
  files: z.number(),
  bytes: z.number(),
  downloadedBytes: z.number(),
  totalBytes: z.number().nullable(),
});

const runsRoute = createRoute({
  method: 'get',
  path: '/api/sync/runs',
  tags: ['repositories'],
  summary: 'The running sync (with progress) and the latest runs',
  security: authenticated,
  request: {
    query: z.object({
      repo: z.string().max(200).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(50),
    }),
  },
  responses: {
    200: {
      description: 'Runs, newest first',
      content: {
        'application/json': {
          schema: z.object({
            active: z.object({ startedAt: z.string(), repos: z.array(progressSchema) }).nullable(),
            runs: z.array(
              z.object({
                id: z.string(),
                repoId: z.string(),
                startedAt: z.string(),
                finishedAt: z.string().nullable(),
                status: z.string(),
                tag: z.string().nullable(),
                previousTag: z.string().nullable(),
                files: z.number(),
                bytes: z.number(),
                skipped: z.number(),
                durationMs: z.number().nullable(),
                error: z.string().nullable(),
              }),
            ),
          }),
        },
      },
    },
    ...commonErrorResponses,
  },
});

/** `POST /api/sync` (start now) and `GET /api/sync/runs` (progress and history). */
export function registerSyncRoutes(app: OpenAPIHono<AppEnvironment>): void {
  app.openapi(startRoute, async (context) => {
    const { catalog, sync } = context.var.dependencies;
    const parsed = startSchema.safeParse(await readOptionalBody(context.req.raw));
    if (!parsed.success) {
      throw new ValidationError(
        `Invalid request: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ')}.`,
      );
    }
    const request = parsed.data;
    // Looked up before the sync starts in the background, so an unknown repository is this request's 404.
    const repo = request.repo === undefined ? undefined : (await requireRepo(catalog, request.repo)).id;
    sync.start({ ...(repo ? { repo } : {}), ...(request.force ? { force: true } : {}) });
    return context.json(
      { started: true, startedAt: sync.active()?.startedAt ?? new Date().toISOString() },
      202,
    );
  });
  app.openapi(runsRoute, async (context) => {
    const { repo, limit } = context.req.valid('query');
    const { catalog, sync } = context.var.dependencies;
    const runs = await catalog.listSyncRuns({ limit, ...(repo ? { repoId: repo } : {}) });
    return context.json({ active: sync.active(), runs }, 200);
  });
}

/** The body is optional: an empty one means "everything". */
async function readOptionalBody(request: Request): Promise<unknown> {
  const text = await request.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError('The request body is not valid JSON; send {} or {"repo": "owner/name"}.');
  }
}
