import { NotFoundError, QuarryError, RetryableError, UpstreamError } from '../../core/errors/index.ts';

/** What a failed request was doing, for the error message. */
export interface FailureContext {
  action: string;
  key: string | undefined;
  bucket: string;
  location: string;
}

const credentialCodes = new Set([
  'AccessDenied',
  'AllAccessDisabled',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
  'CredentialsProviderError',
]);
const transientCodes = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalError',
  'ServiceUnavailable',
  'TimeoutError',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * Maps an AWS SDK (or network) error to a Quarry error. Messages carry the S3 error code and never the
 * SDK's text or the raw error of a credential failure, which can name the access key.
 */
export function toQuarryError(error: unknown, context: FailureContext): QuarryError {
  if (QuarryError.is(error)) return error;
  const code = errorCode(error) ?? 'UnknownError';
  const status = httpStatus(error);
  if (code === 'NoSuchBucket') {
    return new NotFoundError(`Bucket ${context.bucket} does not exist.`, {
      cause: error,
      hint: 'Create the bucket, or fix the bucket name in the store location (s3://bucket/prefix/).',
    });
  }
  if (code === 'NoSuchKey' || code === 'NotFound') {
    const what = context.key === undefined ? 'the object' : context.key;
    return new NotFoundError(`Cannot ${context.action}: no object at ${what} in ${context.location}.`, {
      cause: error,
    });
  }
  if (credentialCodes.has(code) || status === 401 || status === 403) {
    return new UpstreamError(`S3 refused to ${context.action} in ${context.location} (${code}).`, {
      hint: 'Check the AWS credentials (profile, environment or role) and their rights on the bucket.',
    });
  }
  if (transientCodes.has(code) || status === 429 || (status !== undefined && status >= 500)) {
    return new RetryableError(
      `S3 did not answer a request to ${context.action} in ${context.location} (${code}).`,
      {
        cause: error,
        hint: 'This is usually temporary; try again. If it persists, check the S3 endpoint and network.',
      },
    );
  }
  return new UpstreamError(`S3 failed to ${context.action} in ${context.location} (${code}).`, {
    cause: error,
  });
}

/** The S3 or network error code of an SDK error, when it has one. */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const fields = error as { Code?: unknown; code?: unknown; name?: unknown };
  for (const value of [fields.Code, fields.code, fields.name]) {
    if (typeof value === 'string' && value !== '' && value !== 'Error') return value;
  }
  return undefined;
}

function httpStatus(error: unknown): number | undefined {
  const metadata = (error as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata;
  return typeof metadata?.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined;
}
