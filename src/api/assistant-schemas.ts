import { z } from '@hono/zod-openapi';

/** The longest question the assistant routes accept, in characters. */
export const maxQuestionLength = 8000;

const names = (description: string) =>
  z.array(z.string().min(1).max(512)).max(50).optional().openapi({ description });

/** Narrows a question to one repository or one source (a shorthand for the matching filter). */
export const scopeSchema = z
  .object({
    repo: z.string().min(1).max(200).optional().openapi({
      description: 'Only this synced repository (`owner/name`); replaces `filters.repos`.',
      example: 'acme/widgets',
    }),
    source: z.string().min(1).max(512).optional().openapi({
      description:
        'Only this source (`github:owner/name`, an ingested folder or a crawled site); replaces `filters.sources`.',
    }),
  })
  .openapi('AssistantScope');

/** Search filters of a question; every list matches any of its values. */
export const filtersSchema = z
  .object({
    repos: names('Repositories (`owner/name`).'),
    versions: names('Versions (tags); archived versions are searched when given.'),
    sources: names('Source names.'),
    languages: names('Languages, e.g. `typescript`, `markdown`.'),
    paths: names('Path globs, e.g. `src/**/*.ts`.'),
  })
  .openapi('AssistantFilters');

/** A source an answer may cite, with the key of its file for the source viewer. */
export const sourceViewSchema = z
  .object({
    n: z.number().int().openapi({ description: 'The number the answer cites it by (`[n]`).' }),
    citation: z.string().openapi({ example: 'acme/widgets@v1.0.0:src/retry.ts:1-20' }),
    repo: z.string().nullable(),
    version: z.string(),
    path: z.string(),
    startLine: z.number().int(),
    endLine: z.number().int(),
    url: z.string().nullable(),
    heading: z.string().nullable(),
    key: z
      .string()
      .nullable()
      .openapi({ description: 'Object-store key for `GET /api/sources/{key}`, or null.' }),
  })
  .openapi('AnswerSource');

/** A source with the passage text given to the model. */
export const passageViewSchema = sourceViewSchema.extend({ text: z.string() }).openapi('AnswerPassage');

/** How well the cited statements share words with their sources. */
export const citationSupportSchema = z.object({
  checked: z.number().int(),
  weak: z.array(z.object({ statement: z.string(), cited: z.array(z.number().int()) })),
});

/** Tokens used by the model calls of one answer. */
export const usageSchema = z.object({
  inputTokens: z.number().int().optional(),
  outputTokens: z.number().int().optional(),
  totalTokens: z.number().int().optional(),
});
