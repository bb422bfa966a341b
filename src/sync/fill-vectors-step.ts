import { describeError } from '../core/redact.ts';
import { parseStepInput } from './parse-step-input.ts';
import { type FilledVectors, fillVectorsInputSchema } from './sync-step-schemas.ts';
import type { SyncStepContext } from './sync-types.ts';

/**
 * The last step of a pass, after every repository's steps: embeds the chunks that indexing left without
 * a vector (`context.fillVectors`), once for the whole pass rather than once per repository, and only
 * when some repository was indexed (or tried to be). Its input is the Map's results, `{ results: [...] }`.
 * A failure is reported, not thrown: the chunks stay searchable by keyword and the next pass fills them.
 */
export async function fillVectorsStep(input: unknown, context: SyncStepContext): Promise<FilledVectors> {
  const { results } = parseStepInput(fillVectorsInputSchema, input, 'fill-vectors');
  const indexing = results.some(
    (item) => item.index?.status === 'indexed' || item.index?.status === 'failed',
  );
  if (context.fillVectors === undefined || !indexing || context.signal?.aborted)
    return { vectors: 'skipped' };
  try {
    await context.fillVectors(context.signal);
    return { vectors: 'filled' };
  } catch (error) {
    const message = describeError(error, context.redact);
    context.logger.error({ error: message }, `embedding failed: ${message}`);
    return { vectors: 'failed', error: message };
  }
}
