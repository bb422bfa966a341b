import { createHash } from 'node:crypto';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import type { RepoRecord } from '../../core/ports/catalog.ts';
import { addRepo, changeRepo, removeRepo } from '../../sync/repo-registry.ts';
import { authenticated, commonErrorResponses, errorResponse } from '../api-schemas.ts';
import type { AppEnvironment } from '../app-dependencies.ts';
import { requireRole } from '../auth/require-role.ts';
import { HttpError } from '../http-errors.ts';
import { createKeyedMutex } from '../keyed-mutex.ts';

const repoSchema = z
  .object({
    id: z.string(),
    enabled: z.boolean(),
    track: z.enum(['releases', 'tags']),
    asset: z.string().nullable(),
    origin: z.enum(['config', 'user']),
    version: z.string().nullable(),
    modified: z.string().nullable(),
    lastCheckedAt: z.string().nullable(),
    status: z.string().nullable(),
    error: z.string().nullable(),
    files: z.number(),
    bytes: z.number(),
    etag: z.string().openapi({ description: 'Send as If-Match when changing the repository' }),
  })
  .openapi('Repository');

const pathParameters = z.object({ owner: z.string().min(1).max(100), name: z.string().min(1).max(100) });
const repoJson = (description: string) => ({
  description,
  content: { 'application/json': { schema: z.object({ repo: repoSchema }) } },
});

const routes = {
  list: createRoute({
    method: 'get',
    path: '/api/repos',
    tags: ['repositories'],
    summary: 'Watched repositories',
    security: authenticated,
    responses: {
      200: {
        description: 'All repositories',
        content: { 'application/json': { schema: z.object({ repos: z.array(repoSchema) }) } },
      },
      ...commonErrorResponses,
    },
  }),
  add: createRoute({
    method: 'post',
    path: '/api/repos',
    tags: ['repositories'],
    summary: 'Watch a repository (admin)',
    security: authenticated,
    request: {
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z.object({
              id: z.string().min(3).max(200).openapi({ example: 'aws/aws-cdk' }),
              track: z.enum(['releases', 'tags']).optional(),
              asset: z
                .string()
                .min(1)
                .max(200)
                .nullable()
                .optional()
                .openapi({ description: 'Glob of a release asset to download instead of the source' }),
              enabled: z.boolean().optional(),
            }),
          },
        },
      },
    },
    responses: { 201: repoJson('Added'), ...commonErrorResponses, 409: errorResponse('Already watched') },
  }),
  change: createRoute({
    method: 'patch',
    path: '/api/repos/{owner}/{name}',
    tags: ['repositories'],
    summary: 'Enable, disable or change a repository (admin)',
    security: authenticated,
    request: {
      params: pathParameters,
      headers: z.object({ 'if-match': z.string().optional() }),
      body: {
        required: true,
        content: {
          'application/json': {
            schema: z
              .object({
                enabled: z.boolean().optional(),
                track: z.enum(['releases', 'tags']).optional(),
                asset: z.string().min(1).max(200).nullable().optional(),
              })
              .strict(),
          },
        },
      },
    },
    responses: {
      200: repoJson('Changed'),
      ...commonErrorResponses,
      400: errorResponse('Invalid input, or a setting of a repository managed by the configuration'),
      404: errorResponse('Unknown repository'),
      412: errorResponse('Changed by someone else since it was read'),
    },
  }),
  remove: createRoute({
    method: 'delete',
    path: '/api/repos/{owner}/{name}',
    tags: ['repositories'],
    summary: 'Stop watching a repository (admin; stored files stay)',
    security: authenticated,
    request: { params: pathParameters },
    responses: {
      204: { description: 'Removed' },
      ...commonErrorResponses,
      400: errorResponse('Invalid input, or a repository managed by the configuration'),
      404: errorResponse('Unknown repository'),
    },
  }),
};

/** Repository management: anyone signed in may list; adding, changing and removing need an admin. */
export function registerRepoRoutes(app: OpenAPIHono<AppEnvironment>): void {
  const edits = createKeyedMutex();
  app.openapi(routes.list, async (context) => {
    const repos = await context.var.dependencies.catalog.listRepos();
    return context.json({ repos: repos.map(repoView) }, 200);
  });
  app.use('/api/repos', adminForChanges());
  app.use('/api/repos/*', adminForChanges());
  app.openapi(routes.add, async (context) => {
    const repo = await addRepo(context.var.dependencies.catalog, context.req.valid('json'));
    return context.json({ repo: repoView(repo) }, 201);
  });
  app.openapi(routes.change, async (context) => {
    const { owner, name } = context.req.valid('param');
    const changes = context.req.valid('json');
    const expected = context.req.valid('header')['if-match'];
    const repo = await edits.run(`${owner}/${name}`.toLowerCase(), () =>
      changeRepo(context.var.dependencies.catalog, `${owner}/${name}`, changes, {
        precondition: (current) => checkEtag(current, expected),
      }),
    );
    return context.json({ repo: repoView(repo) }, 200);
  });
  app.openapi(routes.remove, async (context) => {
    const { owner, name } = context.req.valid('param');
    await removeRepo(context.var.dependencies.catalog, `${owner}/${name}`);
    return context.body(null, 204);
  });
}

function adminForChanges(): MiddlewareHandler<AppEnvironment> {
  const admin = requireRole('admin');
  return async (context, next) => (context.req.method === 'GET' ? next() : admin(context, next));
}

/** A 412 when the client sent the ETag of an older version of the repository's settings. */
function checkEtag(repo: RepoRecord, expected: string | undefined): void {
  if (expected === undefined || expected === etagOf(repo)) return;
  throw new HttpError(
    412,
    'precondition_failed',
    `Repository ${repo.id} was changed by someone else since you read it.`,
    { hint: 'Reload it (GET /api/repos) and apply your change again.' },
  );
}

/** The API's view of a repository: no server paths (the ignore file), plus an ETag of its settings. */
function repoView(repo: RepoRecord): z.infer<typeof repoSchema> {
  const { ignoreFile: _ignoreFile, etag: _githubEtag, ...visible } = repo;
  return { ...visible, etag: etagOf(repo) };
}

/** Changes only when the settings a user edits change, so a sync finishing meanwhile causes no 412. */
function etagOf(repo: RepoRecord): string {
  const settings = JSON.stringify([repo.enabled, repo.track, repo.asset, repo.ignoreFile, repo.origin]);
  return `"${createHash('sha256').update(settings).digest('base64url').slice(0, 16)}"`;
}
