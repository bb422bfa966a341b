import { QuarryError } from '../core/errors/index.ts';
import { describeError } from '../core/redact.ts';
import { parseStepInput } from './parse-step-input.ts';
import { type IndexOutcome, type PromotedRun, promotedRunSchema } from './sync-step-schemas.ts';
import type { ReleaseIndexReport, SyncStepContext } from './sync-types.ts';

/**
 * Step 4: indexes the version just promoted into the knowledge base through `context.indexRelease`, and
 * returns the promote step's output with `index` added: `indexed` with the knowledge base's report (its
 * `warnings` cut to the first 20, to keep the payload within Step Functions' limit),
 * `skipped` (no indexer, nothing new, or a newer version already replaced this one) or `failed`.
 *
 * An index failure does not undo the sync: the release is in place and recorded. Transient failures
 * (`RetryableError`) are thrown so that a state machine retries the step; any other failure is reported in
 * the output, and the notify step still runs. Safe to repeat: indexing is incremental (files whose content
 * did not change are neither re-chunked nor re-embedded). Vectors are filled once per pass, afterwards.
 */
export async function indexStep(input: unknown, context: SyncStepContext): Promise<PromotedRun> {
  const run = parseStepInput(promotedRunSchema, input, 'index');
  return { ...run, index: await indexRun(run, context) };
}

async function indexRun(run: PromotedRun, context: SyncStepContext): Promise<IndexOutcome> {
  if (context.indexRelease === undefined)
    return { status: 'skipped', reason: 'no knowledge base to index into' };
  if (run.result.status !== 'updated' || run.result.tag === null)
    return { status: 'skipped', reason: 'no new release' };
  const repo = await context.catalog.getRepo(run.repoId);
  if (repo === undefined || repo.version !== run.result.tag)
    return { status: 'skipped', reason: 'a newer sync replaced this version; it indexes its own' };
  try {
    const report = await context.indexRelease(repo, context.signal);
    context.logger.info(
      {
        source: report.source,
        version: report.version,
        indexed: report.indexed,
        unchanged: report.unchanged,
      },
      `indexed ${report.source}@${report.version}: ${report.indexed} files indexed, ${report.unchanged} unchanged, ${report.removed} removed, ${report.chunks} chunks`,
    );
    return { status: 'indexed', report: boundedReport(report) };
  } catch (error) {
    if (QuarryError.is(error) && error.code === 'retryable') throw error;
    const message = describeError(error, context.redact);
    context.logger.error({ repo: run.repoId, error: message }, `indexing failed: ${run.repoId}: ${message}`);
    return { status: 'failed', error: message };
  }
}

// Step Functions passes at most 256 KB from state to state, and a large repository can have thousands of
// one-line warnings (binary, minified, too large); the counts are what a workflow needs.
const warningsKept = 20;

/** The indexer's report, passed through whole except for a long `warnings` list, which is cut short. */
function boundedReport(report: ReleaseIndexReport): ReleaseIndexReport & Record<string, unknown> {
  const copy: ReleaseIndexReport & Record<string, unknown> = { ...report };
  const warnings = copy.warnings;
  if (Array.isArray(warnings) && warnings.length > warningsKept) {
    copy.warnings = warnings.slice(0, warningsKept);
    copy.warningsOmitted = warnings.length - warningsKept;
  }
  return copy;
}
