import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { SearchFilters } from '../../core/ports/search-index.ts';
import { filtersFrom, type SearchFilterOptions } from '../../knowledge/search-filters.ts';
import { authenticated, commonErrorResponses } from '../api-schemas.ts';
import type { AppEnvironment } from '../app-dependencies.ts';
import { sourceKeyOf } from '../source-key.ts';

/** A comma-separated filter value (`?repo=a/b,c/d`); each value matches. */
const listParameter = z.string().max(2000).optional();

const querySchema = z.object({
  q: z.string().trim().min(1).max(2000).openapi({ example: 'retry with backoff' }),
  k: z.coerce.number().int().min(1).max(100).default(10),
  mode: z.enum(['keyword', 'vector', 'hybrid']).optional(),
  repo: listParameter,
  version: listParameter,
  source: listParameter,
  lang: listParameter,
  path: z.string().max(500).optional().openapi({ description: 'A glob on the file path, e.g. src/**/*.ts' }),
});

const hitSchema = z
  .object({
    citation: z.string(),
    source: z.string(),
    repo: z.string().nullable(),
    version: z.string(),
    path: z.string(),
    language: z.string(),
    startLine: z.number(),
    endLine: z.number(),
    url: z.string().nullable(),
    heading: z.string().nullable(),
    key: z.string().nullable().openapi({ description: 'Object-store key for GET /api/sources/{key}' }),
    score: z.number(),
    snippet: z.string(),
  })
  .openapi('SearchHit');

const searchRoute = createRoute({
  method: 'get',
  path: '/api/search',
  tags: ['knowledge'],
  summary: 'Hybrid (keyword + vector) search with filters',
  security: authenticated,
  request: { query: querySchema },
  responses: {
    200: {
      description: 'Ranked passages',
      content: {
        'application/json': {
          schema: z.object({ mode: z.string(), hits: z.array(hitSchema), warnings: z.array(z.string()) }),
        },
      },
    },
    ...commonErrorResponses,
  },
});

const sourcesRoute = createRoute({
  method: 'get',
  path: '/api/search/sources',
  tags: ['knowledge'],
  summary: 'Indexed sources that are not synced repositories (ingested folders, sites)',
  security: authenticated,
  responses: {
    200: {
      description: 'Source names',
      content: { 'application/json': { schema: z.object({ sources: z.array(z.string()) }) } },
    },
  },
});

/** `GET /api/search` and `GET /api/search/sources`. */
export function registerSearchRoutes(app: OpenAPIHono<AppEnvironment>): void {
  app.openapi(searchRoute, async (context) => {
    const query = context.req.valid('query');
    const found = await context.var.dependencies.knowledge.search({
      text: query.q,
      limit: query.k,
      filters: filtersOf(query),
      ...(query.mode ? { mode: query.mode } : {}),
    });
    const hits = found.hits.map((hit) => ({
      citation: hit.citation,
      source: hit.source,
      repo: hit.repo,
      version: hit.version,
      path: hit.path,
      language: hit.language,
      startLine: hit.startLine,
      endLine: hit.endLine,
      url: hit.url,
      heading: hit.headingPath.length > 0 ? hit.headingPath.join(' › ') : null,
      key: sourceKeyOf(hit),
      score: hit.score,
      snippet: hit.snippet.text,
    }));
    return context.json({ mode: found.mode, hits, warnings: found.warnings }, 200);
  });
  app.openapi(sourcesRoute, async (context) =>
    context.json({ sources: await context.var.dependencies.knowledge.sources() }, 200),
  );
}

/** The query's filters, as the CLI's `--repo`/`--version`/... flags would give them. */
function filtersOf(query: z.infer<typeof querySchema>): SearchFilters {
  const split = (value: string | undefined) => {
    const values = value
      ?.split(',')
      .map((part) => part.trim())
      .filter(Boolean);
    return values && values.length > 0 ? values : undefined;
  };
  const options: SearchFilterOptions = {};
  const repo = split(query.repo);
  const version = split(query.version);
  const source = split(query.source);
  const lang = split(query.lang);
  if (repo) options.repo = repo;
  if (version) options.version = version;
  if (source) options.source = source;
  if (lang) options.lang = lang;
  if (query.path?.trim()) options.path = query.path.trim();
  return filtersFrom(options);
}
