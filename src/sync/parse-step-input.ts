import type { z } from 'zod';
import { ValidationError } from '../core/errors/index.ts';

/**
 * Validates the event a sync step received (from the previous step, a Step Functions state or a person
 * calling a Lambda by hand). A bad event is a `ValidationError` naming each wrong field, e.g.
 * `release.archive.format: Invalid option: expected one of "tar.gz"|"tar"|"zip"`, so a state machine
 * does not retry it and its execution history says what to fix.
 */
export function parseStepInput<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  step: string,
): z.output<Schema> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.map(String).join('.') || '(the input)'}: ${issue.message}`);
  const more =
    parsed.error.issues.length > problems.length
      ? ` (and ${parsed.error.issues.length - problems.length} more)`
      : '';
  throw new ValidationError(`The ${step} step got an invalid input: ${problems.join('; ')}${more}.`, {
    hint: `Give the ${step} step the previous step's output unchanged.`,
  });
}
