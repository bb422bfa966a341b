import { APICallError, RetryError } from 'ai';
import { QuarryError, UpstreamError } from '../core/errors/index.ts';

const maxDetailLength = 300;

/**
 * Turns whatever a model call threw (an AI SDK `APICallError`, a `RetryError` wrapping several, a network
 * failure, a stream cut off half-way) into one `UpstreamError` sentence naming the model. Quarry's own
 * errors pass through unchanged. The provider's text is kept short; it has already been redacted by the
 * adapter that made the call.
 */
export function modelFailure(modelName: string, error: unknown): Error {
  if (QuarryError.is(error)) return error;
  const last = RetryError.isInstance(error) ? error.lastError : error;
  const attempts = RetryError.isInstance(error) ? ` after ${error.errors.length} attempts` : '';
  const status = APICallError.isInstance(last) ? last.statusCode : undefined;
  const detail = describe(last);
  return new UpstreamError(`The model ${modelName} failed${attempts}: ${detail}.`, {
    hint: isMissingAwsCredentials(last) ? awsCredentialsHint : hintFor(status),
    cause: new Error(detail),
  });
}

const awsCredentialsHint =
  'Give Quarry AWS credentials: AWS_PROFILE (after aws sso login if needed), AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_BEARER_TOKEN_BEDROCK.';

/** The AWS SDK's provider chain found nothing (`CredentialsProviderError`). */
function isMissingAwsCredentials(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === 'CredentialsProviderError' ||
      /could not load credentials from any providers/i.test(error.message))
  );
}

function hintFor(status: number | undefined): string {
  if (status === 401 || status === 403)
    return 'The endpoint refused the credentials; check the API key or AWS credentials of the model entry.';
  if (status === 404)
    return 'Check the model id and the base URL of the model entry (run "quarry models list").';
  if (status === 429) return 'The endpoint is rate limiting; wait a little and try again.';
  return 'Check that the model endpoint is running and reachable (run "quarry models list"), or pick another model with --model.';
}

/** A stream that started and then broke: undici's "terminated", which the SDK may wrap as a 200 response error. */
function isCutOff(error: unknown): boolean {
  const message = error instanceof Error ? error.message : '';
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : '';
  return (
    message === 'terminated' ||
    (APICallError.isInstance(error) && error.statusCode === 200 && cause === 'terminated')
  );
}

function describe(error: unknown): string {
  if (isCutOff(error)) return 'the answer stream was cut off before it finished (the connection closed)';
  const message = error instanceof Error ? error.message : String(error);
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : '';
  // undici hides the useful part ("no answer within …", ECONNREFUSED) in the cause of "fetch failed".
  const text = message === 'fetch failed' && cause !== '' ? `the connection failed (${cause})` : message;
  const oneLine = text.replace(/\s+/g, ' ').trim().replace(/\.$/, '');
  const short = oneLine.length > maxDetailLength ? `${oneLine.slice(0, maxDetailLength)}…` : oneLine;
  if (APICallError.isInstance(error) && error.statusCode !== undefined) {
    return `it answered ${error.statusCode}${short === '' ? '' : ` (${short})`}`;
  }
  return short === '' ? 'unknown error' : short;
}
