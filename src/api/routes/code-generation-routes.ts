import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { checkCodeRequest, generateCode } from '../../codegen/generate-code.ts';
import { ValidationError } from '../../core/errors/index.ts';
import { authenticated, commonErrorResponses, errorResponse } from '../api-schemas.ts';
import type { AppDependencies, AppEnvironment } from '../app-dependencies.ts';
import { HttpError } from '../http-errors.ts';

/** Passages of the grounding repository offered to the model as examples. */
const groundingHits = 8;

const requestSchema = z
  .object({
    key: z.string().min(1).max(40).optional().openapi({
      description: 'The language, as in the original tutorial\'s body {"key": "python", "message": "..."}',
      example: 'python',
    }),
    language: z.string().min(1).max(40).optional().openapi({ example: 'python' }),
    message: z
      .string()
      .min(1)
      .max(20_000)
      .openapi({ example: 'A function that retries a call with backoff' }),
    ground: z
      .string()
      .min(3)
      .max(200)
      .optional()
      .openapi({ description: 'owner/repo to take examples from' }),
    model: z.string().min(1).max(200).optional(),
  })
  .openapi('CodeGenerationRequest');

const responseSchema = z
  .object({
    key: z.string().openapi({
      description: 'Object-store key of the stored code',
      example: 'code_output/2026-11-22/061500-retry.py',
    }),
    language: z.string(),
    code: z.string(),
    model: z.string(),
    sidecarKey: z.string(),
    createdAt: z.string(),
    sources: z.array(z.object({ n: z.number(), citation: z.string() })),
  })
  .openapi('CodeGenerationResult');

function codeRoute(path: string, summary: string) {
  return createRoute({
    method: 'post',
    path,
    tags: ['code'],
    summary,
    security: authenticated,
    request: { body: { required: true, content: { 'application/json': { schema: requestSchema } } } },
    responses: {
      200: {
        description: 'The code, stored with its provenance',
        content: { 'application/json': { schema: responseSchema } },
      },
      ...commonErrorResponses,
      404: errorResponse('Unknown grounding repository'),
      502: errorResponse('The model failed or wrote no code; nothing was stored'),
      503: errorResponse('No language model is available'),
    },
  });
}

/**
 * `POST /code_generation` (the tutorial's endpoint and body) and `POST /api/code` (the web app's): write
 * code, store it under `code_output/` with a sidecar, return where. A failure is always a 4xx/5xx with
 * an error body, never a 200.
 */
export function registerCodeGenerationRoutes(app: OpenAPIHono<AppEnvironment>): void {
  for (const [path, summary] of [
    ['/code_generation', 'Generate code (tutorial-compatible body: {key, message})'],
    ['/api/code', 'Generate code'],
  ] as const) {
    app.openapi(codeRoute(path, summary), async (context) => {
      const body = context.req.valid('json');
      const result = await runCodeGeneration(context.var.dependencies, body, context.req.raw.signal);
      return context.json(result, 200);
    });
  }
}

async function runCodeGeneration(
  dependencies: AppDependencies,
  body: z.infer<typeof requestSchema>,
  abortSignal: AbortSignal,
): Promise<z.infer<typeof responseSchema>> {
  const language = body.language ?? body.key;
  if (language === undefined) {
    throw new ValidationError('Invalid request: language: Required (or "key", as in the tutorial).', {
      hint: 'Send {"language": "python", "message": "..."} or {"key": "python", "message": "..."}.',
    });
  }
  const request = { language, message: body.message, ...(body.ground ? { ground: body.ground } : {}) };
  checkCodeRequest(request);
  const lease = await dependencies.models.open(body.model);
  if (lease.runtime === undefined) {
    throw new HttpError(503, 'model_unavailable', `No language model is available: ${lease.reason}`, {
      hint: 'Configure a model (models.default) or install the local model file; see the README.',
    });
  }
  const result = await generateCode(
    {
      runtime: lease.runtime,
      store: dependencies.store,
      clock: dependencies.clock,
      findExamples: async (repo, query) =>
        (
          await dependencies.knowledge.search({
            text: query,
            limit: groundingHits,
            filters: { repos: [repo] },
          })
        ).hits,
    },
    { ...request, abortSignal },
  );
  return {
    key: result.key,
    language: result.language,
    code: result.code,
    model: result.model,
    sidecarKey: result.sidecarKey,
    createdAt: result.createdAt,
    sources: result.sources.map((source) => ({ n: source.n, citation: source.citation })),
  };
}
