/**
 * The `notify` step of the sync workflow (Step Functions) as an AWS Lambda entry point. Sends `release-extracted` to the webhooks and the SNS topic (at least once: a retry sends it again).
 */
import { createSyncStepHandler } from './shared/sync-step-handler.ts';

/** The deployed handler (`sync-notify.handler`). */
export const handler = createSyncStepHandler('notify');
