import {
  ConflictError,
  QuarryError,
  RetryableError,
  UpstreamError,
  ValidationError,
} from '../../core/errors/index.ts';
import {
  awsCredentialErrorCodes,
  awsErrorCode,
  awsHttpStatus,
  isAwsCredentialFailure,
  isAwsTransientFailure,
  networkErrorCodes,
} from '../aws/aws-error-codes.ts';

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

/**
 * Failures to reach DynamoDB at all. An aborted request (a caller's signal, or the SDK giving up on a
 * connection) got no answer either, so it is reported with the same hint on what to check.
 */
const unreachableCodes: ReadonlySet<string> = new Set([...networkErrorCodes, 'AbortError']);

/**
 * Maps an AWS SDK (or network) error from DynamoDB to a Quarry error. Messages name the table and the
 * DynamoDB error code, never the SDK's own text for credential failures (which can name the access key),
 * and never the credentials. Quarry errors pass through unchanged.
 */
export function translateDynamoDbError(error: unknown, context: DynamoDbFailureContext): QuarryError {
  if (QuarryError.is(error)) return error;
  const code = awsErrorCode(error) ?? 'UnknownError';
  const status = awsHttpStatus(error);
  const where = context.table === undefined ? 'DynamoDB' : `DynamoDB table ${context.table}`;
  if (code === 'ResourceNotFoundException' && context.table !== undefined) {
    return missingTableError(context.table, error);
  }
  if (isAwsCredentialFailure(code, status)) {
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
  if (isAwsTransientFailure(code, status)) {
    return new RetryableError(`DynamoDB was too busy to ${context.action} in ${where} (${code}).`, {
      cause: error,
      hint: 'This is usually temporary; try again. If it persists, check the table metrics and quotas.',
    });
  }
  if (unreachableCodes.has(code)) {
    return new UpstreamError(`Could not reach DynamoDB to ${context.action} in ${where} (${code}).`, {
      cause: error,
      hint: reachDynamoDbHint,
    });
  }
  // Not an answer DynamoDB gives: the client could not build or send the request (no region, a
  // credentials provider failing, an endpoint that is not DynamoDB), so the setup is what to check.
  return new UpstreamError(`DynamoDB failed to ${context.action} in ${where} (${code}).`, {
    cause: error,
    hint: reachDynamoDbHint,
  });
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
      'With catalog.createTables: false (QUARRY_CATALOG_CREATE_TABLES=false) Quarry expects whoever deploys ' +
      'it to create the tables; create them, or set catalog.createTables to true to let Quarry create them.',
  });
}

/**
 * True when `error` came from the AWS SDK, the network or the credential chain, rather than being a bug
 * in Quarry's own code (which should surface as it is).
 */
export function isDynamoDbFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if ('$metadata' in error || '$fault' in error) return true;
  const code = awsErrorCode(error) ?? '';
  return unreachableCodes.has(code) || awsCredentialErrorCodes.has(code) || code.endsWith('Exception');
}

/** True when `error` says a condition of a conditional write did not hold. */
export function isConditionFailure(error: unknown): boolean {
  return awsErrorCode(error) === 'ConditionalCheckFailedException';
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : '';
}
