import { describe, expect, it } from 'vitest';
import {
  awsCredentialErrorCodes,
  awsErrorCode,
  awsHttpStatus,
  awsTransientErrorCodes,
  isAwsCredentialFailure,
  isAwsTransientFailure,
  networkErrorCodes,
} from './aws-error-codes.ts';

describe('awsErrorCode', () => {
  it('reads the S3 Code, the Node code or the exception name, skipping a bare Error', () => {
    expect(awsErrorCode({ Code: 'NoSuchKey', name: 'S3ServiceException' })).toBe('NoSuchKey');
    expect(awsErrorCode(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED');
    expect(awsErrorCode({ name: 'ThrottlingException' })).toBe('ThrottlingException');
    expect(awsErrorCode(new Error('plain'))).toBeUndefined();
    expect(awsErrorCode('text')).toBeUndefined();
  });

  it('looks inside an AggregateError and a cause when the error has no code of its own', () => {
    const refused = Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
    const aggregate = Object.assign(new Error('all failed'), { errors: [refused] });
    expect(awsErrorCode(aggregate)).toBe('ECONNREFUSED');
    expect(awsErrorCode(new Error('wrapped', { cause: refused }))).toBe('ECONNREFUSED');
  });
});

describe('awsHttpStatus', () => {
  it('reads the status from the SDK metadata', () => {
    expect(awsHttpStatus({ $metadata: { httpStatusCode: 503 } })).toBe(503);
    expect(awsHttpStatus({ $metadata: {} })).toBeUndefined();
    expect(awsHttpStatus(null)).toBeUndefined();
  });
});

describe('AWS error code sets', () => {
  it('tell credential, transient and network failures apart', () => {
    expect(awsCredentialErrorCodes.has('AccessDenied')).toBe(true);
    expect(awsCredentialErrorCodes.has('UnrecognizedClientException')).toBe(true);
    expect(awsTransientErrorCodes.has('SlowDown')).toBe(true);
    expect(awsTransientErrorCodes.has('ProvisionedThroughputExceededException')).toBe(true);
    expect(networkErrorCodes.has('ECONNRESET')).toBe(true);
    const all = [...awsCredentialErrorCodes, ...awsTransientErrorCodes, ...networkErrorCodes];
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('AWS failure kinds', () => {
  it('count 401 and 403 answers as credential failures, 429 and 5xx as transient ones', () => {
    expect(isAwsCredentialFailure('UnknownError', 403)).toBe(true);
    expect(isAwsCredentialFailure('ExpiredToken', undefined)).toBe(true);
    expect(isAwsCredentialFailure('NoSuchKey', 404)).toBe(false);
    expect(isAwsTransientFailure('UnknownError', 503)).toBe(true);
    expect(isAwsTransientFailure('UnknownError', 429)).toBe(true);
    expect(isAwsTransientFailure('ECONNREFUSED', undefined)).toBe(false);
  });
});
