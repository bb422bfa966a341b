/**
 * The `fill-vectors` step of the sync workflow (Step Functions) as an AWS Lambda entry point. After the Map: embeds the chunks still missing vectors, once per pass.
 */
import { createSyncStepHandler } from './shared/sync-step-handler.ts';

/** The deployed handler (`sync-fill-vectors.handler`). */
export const handler = createSyncStepHandler('fill-vectors');
