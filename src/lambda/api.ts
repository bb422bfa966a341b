/**
 * The API's AWS Lambda entry point: the same app `quarry serve` runs, behind API Gateway HTTP API (payload
 * v2) or a Lambda function URL, built once per container from the composition root (`src/app/`). The
 * sync schedule is not run here: EventBridge Scheduler starts the sync workflow in the cloud.
 */
import { apiServicesOnLambda, processSources, streamsResponses } from '../app/lambda-services.ts';
import { createLambdaHandler } from './shared/api-handler.ts';

const sources = processSources();

/**
 * The deployed handler (`api.handler`), configured from the environment like the CLI: buffered by
 * default, streaming with `QUARRY_LAMBDA_STREAMING=true` (function URL with `RESPONSE_STREAM`).
 */
export const handler = createLambdaHandler(
  () => apiServicesOnLambda(sources).then((services) => services.dependencies),
  { streaming: streamsResponses(sources.environment) },
);
