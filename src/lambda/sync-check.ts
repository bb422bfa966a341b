/**
 * The `check` step of the sync workflow (Step Functions) as an AWS Lambda entry point. Asks GitHub for a repository's latest release with a conditional request; on a new release takes the repository's lock and returns the release to extract.
 */
import { createSyncStepHandler } from './shared/sync-step-handler.ts';

/** The deployed handler (`sync-check.handler`). */
export const handler = createSyncStepHandler('check');
