/**
 * The `promote` step of the sync workflow (Step Functions) as an AWS Lambda entry point. Moves the extracted release to `current/`, the previous version to `archived/`, and records it in the catalog; resumable after a crash mid-move.
 */
import { createSyncStepHandler } from './shared/sync-step-handler.ts';

/** The deployed handler (`sync-promote.handler`). */
export const handler = createSyncStepHandler('promote');
