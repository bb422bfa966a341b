/**
 * The `list` step of the sync workflow (Step Functions) as an AWS Lambda entry point. Lists the repositories to sync (`{repoId?, force?}`) for the workflow's Map: `{repos: [{repoId, runId, force}]}`.
 */
import { createSyncStepHandler } from './shared/sync-step-handler.ts';

/** The deployed handler (`sync-list.handler`). */
export const handler = createSyncStepHandler('list');
