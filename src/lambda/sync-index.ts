/**
 * The `index` step of the sync workflow (Step Functions) as an AWS Lambda entry point. Indexes the promoted version into the knowledge base (incremental, so a retry is cheap).
 */
import { createSyncStepHandler } from './shared/sync-step-handler.ts';

/** The deployed handler (`sync-index.handler`). */
export const handler = createSyncStepHandler('index');
