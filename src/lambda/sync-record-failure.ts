/**
 * The `record-failure` step of the sync workflow (Step Functions) as an AWS Lambda entry point. The workflow's Catch: records a failed step in the catalog, puts `current/` back at the recorded version and releases the lock.
 */
import { createSyncStepHandler } from './shared/sync-step-handler.ts';

/** The deployed handler (`sync-record-failure.handler`). */
export const handler = createSyncStepHandler('record-failure');
