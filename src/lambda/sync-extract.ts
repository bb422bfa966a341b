/**
 * The `extract` step of the sync workflow (Step Functions) as an AWS Lambda entry point. Streams the new release into `staging/<owner>/<repo>/<runId>/` (ignore file and limits applied); a retry of a finished extraction downloads nothing.
 */
import { createSyncStepHandler } from './shared/sync-step-handler.ts';

/** The deployed handler (`sync-extract.handler`). */
export const handler = createSyncStepHandler('extract');
