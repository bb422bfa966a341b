import type { Hook } from '@hono/zod-openapi';
import { z } from '@hono/zod-openapi';
import { ValidationError } from '../core/errors/index.ts';
import type { AppEnvironment } from './app-dependencies.ts';

/** The JSON body of every error response. */
export const errorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'validation' }),
      message: z.string().openapi({ example: 'message: Required; send the instructions as a string.' }),
      hint: z.string().optional(),
    }),
  })
  .openapi('Error');

/** Error responses shared by authenticated routes, for the OpenAPI document. */
export const commonErrorResponses = {
  400: { description: 'Invalid input', content: { 'application/json': { schema: errorSchema } } },
  401: { description: 'Not signed in', content: { 'application/json': { schema: errorSchema } } },
  403: {
    description: 'Wrong role, or a cross-site request',
    content: { 'application/json': { schema: errorSchema } },
  },
  413: { description: 'Body too large', content: { 'application/json': { schema: errorSchema } } },
} as const;

/** An error response entry for the OpenAPI document. */
export function errorResponse(description: string) {
  return { description, content: { 'application/json': { schema: errorSchema } } };
}

/** Security requirement of authenticated routes: a session cookie or a bearer API key. */
export const authenticated = [{ cookieAuth: [] }, { bearerAuth: [] }];

/**
 * Turns a failed request validation into a `ValidationError` naming each bad field and what was expected,
 * so every 400 has the one error shape.
 */
export const validationHook: Hook<unknown, AppEnvironment, string, unknown> = (result) => {
  if (result.success) return;
  const problems = result.error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.join('.') : 'body';
    return `${field}: ${issue.message}`;
  });
  throw new ValidationError(`Invalid request: ${problems.join('; ')}.`, {
    hint: 'See /api/openapi.json (or /api/docs) for the expected fields.',
  });
};
