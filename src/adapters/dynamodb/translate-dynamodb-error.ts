import {
  ConflictError,
  QuarryError,
  RetryableError,
  UpstreamError,
  ValidationError,
} from '../../core/errors/index.ts';

/** What a failed request was doing, for the error message. */
export interface DynamoDbFailureContext {
  /** What was being done, as a verb phrase: `read an item`, `create the table`. */
  action: string;
  /** The table the request went to, when it went to one. */
  table?: string;
}

/** The hint for every failure to reach DynamoDB at all. */
const reachDynamoDbHint =
  'Check AWS_ENDPOINT_URL_DYNAMODB (or leave it unset for AWS itself), AWS_REGION and the AWS credentials ' +
  '(profile, environment or role), and that the network lets Quarry reach DynamoDB.';

const credentialCodes = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'AccessDeniedException',
  'MissingAuthenticationTokenException',
  'ExpiredTokenException',
  'IncompleteSignatureException',
  'InvalidClientTokenId',
  'CredentialsProviderError',
  'TokenProviderError',
]);
const transientCodes = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TransactionInProgressException',
]);
const networkCodes = new Set([
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
  'AbortError',
]);

/**
 * Maps an AWS SDK (or network) error from DynamoDB to a Quarry error. Messages name the table and the
 * DynamoDB error code, never the SDK's own text for credential failures (which can name the access key),
 * and never the credentials. Quarry errors pass through unchanged.
 */
export function translateDynamoDbError(error: unknown, context: DynamoDbFailureContext): QuarryError {
  if (QuarryError.is(error)) return error;
  const code = dynamoDbErrorCode(error) ?? 'UnknownError';
  const status = httpStatus(error);
  const where = context.table === undefined ? 'DynamoDB' : `DynamoDB table ${context.table}`;
  if (code === 'ResourceNotFoundException' && context.table !== undefined) {
    return missingTableError(context.table, error);
  }
  if (credentialCodes.has(code) || status === 401 || status === 403) {
    return new UpstreamError(`DynamoDB refused to ${context.action} in ${where} (${code}).`, {
      hint: `${reachDynamoDbHint} The credentials need DynamoDB rights on the catalog's tables.`,
    });
  }
  if (code === 'ConditionalCheckFailedException') {
    return new ConflictError(`${where} changed while Quarry tried to ${context.action}.`, {
      cause: error,
      hint: 'Another process changed the same record at the same time; try again.',
    });
  }
  if (code === 'ValidationException') return invalidRequestError(error, context.action, where);
  if (transientCodes.has(code) || status === 429 || (status !== undefined && status >= 500)) {
    return new RetryableError(`DynamoDB was too busy to ${context.action} in ${where} (${code}).`, {
      cause: error,
      hint: 'This is usually temporary; try again. If it persists, check the table metrics and quotas.',
    });
  }
  if (networkCodes.has(code)) {
    return new UpstreamError(`Could not reach DynamoDB to ${context.action} in ${where} (${code}).`, {
      cause: error,
      hint: reachDynamoDbHint,
    });
  }
  return new UpstreamError(`DynamoDB failed to ${context.action} in ${where} (${code}).`, { cause: error });
}

/** DynamoDB refused the request itself: a record over its limits, or a request Quarry got wrong. */
function invalidRequestError(error: unknown, action: string, where: string): ValidationError {
  if (/item size/i.test(errorMessage(error))) {
    return new ValidationError(`A record is too large to ${action} in ${where} (400 KB per item).`, {
      cause: error,
      hint: 'Store less in one record, for example shorter messages or fewer links per page.',
    });
  }
  return new ValidationError(`DynamoDB refused a request to ${action} in ${where} as invalid.`, {
    cause: error,
    hint: 'A value is beyond what DynamoDB stores (key length, empty key); run with --verbose to see its answer.',
  });
}

/** The error for tables that do not exist (names joined by commas), naming the setting that creates them. */
export function missingTableError(tables: string, cause?: unknown): ValidationError {
  const what = tables.includes(',') ? `tables ${tables} do` : `table ${tables} does`;
  return new ValidationError(`The DynamoDB ${what} not exist.`, {
    ...(cause === undefined ? {} : { cause }),
    hint:
      "The catalog tables are created by Quarry's CDK app (deploy it first), or set catalog.createTables " +
      'to true to let Quarry create missing tables itself.',
  });
}

/** The DynamoDB or network error code of an SDK error, when it has one. */
export function dynamoDbErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const fields = error as { code?: unknown; name?: unknown; cause?: unknown };
  for (const value of [fields.code, fields.name]) {
    if (typeof value === 'string' && value !== '' && value !== 'Error') return value;
  }
  // Node wraps connection failures of several addresses in an AggregateError with the code on the causes.
  const nested = (error as { errors?: unknown }).errors;
  if (Array.isArray(nested)) return dynamoDbErrorCode(nested[0]);
  return fields.cause === undefined ? undefined : dynamoDbErrorCode(fields.cause);
}

/**
 * True when `error` came from the AWS SDK, the network or the credential chain, rather than being a bug
 * in Quarry's own code (which should surface as it is).
 */
export function isDynamoDbFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if ('$metadata' in error || '$fault' in error) return true;
  const code = dynamoDbErrorCode(error) ?? '';
  return networkCodes.has(code) || credentialCodes.has(code) || code.endsWith('Exception');
}

/** True when `error` says a condition of a conditional write did not hold. */
export function isConditionFailure(error: unknown): boolean {
  return dynamoDbErrorCode(error) === 'ConditionalCheckFailedException';
}

function httpStatus(error: unknown): number | undefined {
  const metadata = (error as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata;
  return typeof metadata?.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : '';
}
