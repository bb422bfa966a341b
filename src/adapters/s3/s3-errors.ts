import { NotFoundError, QuarryError, RetryableError, UpstreamError } from '../../core/errors/index.ts';
import {
  awsErrorCode,
  awsHttpStatus,
  isAwsCredentialFailure,
  isAwsTransientFailure,
  networkErrorCodes,
} from '../aws/aws-error-codes.ts';

/** What a failed request was doing, for the error message. */
export interface FailureContext {
  action: string;
  key: string | undefined;
  bucket: string;
  location: string;
}

/**
 * Maps an AWS SDK (or network) error to a Quarry error. Messages carry the S3 error code and never the
 * SDK's text or the raw error of a credential failure, which can name the access key.
 */
export function toQuarryError(error: unknown, context: FailureContext): QuarryError {
  if (QuarryError.is(error)) return error;
  const code = awsErrorCode(error) ?? 'UnknownError';
  const status = awsHttpStatus(error);
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
  if (isAwsCredentialFailure(code, status)) {
    return new UpstreamError(`S3 refused to ${context.action} in ${context.location} (${code}).`, {
      hint: 'Check the AWS credentials (profile, environment or role) and their rights on the bucket.',
    });
  }
  // No answer at all (a dropped connection, a timeout) is S3 not answering too, and usually as brief.
  if (isAwsTransientFailure(code, status) || networkErrorCodes.has(code)) {
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

/** The S3 or network error code of an SDK error, when it has one (see {@link awsErrorCode}). */
export const errorCode = awsErrorCode;
