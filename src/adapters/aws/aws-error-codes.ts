// What the AWS adapters (S3, DynamoDB) share when they translate an SDK error: how to read its code and HTTP
// status, and which codes mean the same thing whichever service answered. Each adapter keeps its own
// messages and hints; these sets only decide which kind of failure an error is.

/**
 * Codes for credentials that are missing, wrong, expired or without the rights asked for, across the AWS
 * services Quarry talks to (each spells them its own way) and the SDK's credential chain.
 */
export const awsCredentialErrorCodes: ReadonlySet<string> = new Set([
  // S3
  'AccessDenied',
  'AllAccessDisabled',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
  // DynamoDB and the other JSON services
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'AccessDeniedException',
  'MissingAuthenticationTokenException',
  'ExpiredTokenException',
  'IncompleteSignatureException',
  'InvalidClientTokenId',
  // The SDK's credential and token providers
  'CredentialsProviderError',
  'TokenProviderError',
]);

/** Codes a service answers with when it is throttling or briefly failing: the same request may succeed later. */
export const awsTransientErrorCodes: ReadonlySet<string> = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'RequestTimeoutException',
  'InternalError',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TransactionInProgressException',
]);

/**
 * Codes of requests that got no answer from the service at all: refused, reset or timed-out connections,
 * failed name lookups, and the SDK's and the service's timeouts.
 */
export const networkErrorCodes: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'TimeoutError',
  'RequestTimeout',
]);

/**
 * The service or network error code of an SDK error, when it has one: S3's XML `Code`, Node's `code`, or the
 * exception's `name` (a bare `Error` says nothing). Node wraps the failures of connecting to several
 * addresses in an AggregateError with the codes on the inner errors, and wrappers put the original in
 * `cause`, so those are read when the error itself has no code.
 */
export function awsErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const fields = error as { Code?: unknown; code?: unknown; name?: unknown; cause?: unknown };
  for (const value of [fields.Code, fields.code, fields.name]) {
    if (typeof value === 'string' && value !== '' && value !== 'Error') return value;
  }
  const nested = (error as { errors?: unknown }).errors;
  if (Array.isArray(nested)) return awsErrorCode(nested[0]);
  return fields.cause === undefined ? undefined : awsErrorCode(fields.cause);
}

/** The HTTP status of the service's answer, when the SDK error carries one. */
export function awsHttpStatus(error: unknown): number | undefined {
  const metadata = (error as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata;
  return typeof metadata?.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined;
}

/** Whether an answer with `code` and `status` says the credentials are missing, wrong or lack the rights. */
export function isAwsCredentialFailure(code: string, status: number | undefined): boolean {
  return awsCredentialErrorCodes.has(code) || status === 401 || status === 403;
}

/** Whether an answer with `code` and `status` says the service is throttling or briefly failing. */
export function isAwsTransientFailure(code: string, status: number | undefined): boolean {
  return awsTransientErrorCodes.has(code) || status === 429 || (status !== undefined && status >= 500);
}
