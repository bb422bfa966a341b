import type { z } from '@hono/zod-openapi';
import { ValidationError } from '../core/errors/index.ts';

/**
 * Reads and validates the JSON body of a route registered without `app.openapi` (streaming routes): a
 * body that is not JSON, or does not match `schema`, is a `ValidationError` naming each bad field, as the
 * validated routes report it.
 */
export async function readJsonBody<Schema extends z.ZodType>(
  request: { json(): Promise<unknown> },
  schema: Schema,
): Promise<z.infer<Schema>> {
  let body: unknown;
  try {
    body = await request.json();
  } catch (error) {
    throw new ValidationError(
      'The request body is not valid JSON; send a JSON object with Content-Type: application/json.',
      { cause: error },
    );
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.join('.') : 'body';
    return `${field}: ${issue.message}`;
  });
  throw new ValidationError(`Invalid request: ${problems.join('; ')}.`, {
    hint: 'See /api/openapi.json (or /api/docs) for the expected fields.',
  });
}
