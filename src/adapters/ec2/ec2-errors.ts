import { QuarryError, RetryableError, UpstreamError } from '../../core/errors/index.ts';

/** What an SDK (or network) failure says, with nothing secret in it. */
export interface Ec2ErrorDetails {
  code: string;
  /** One line, credentials and the encoded authorization message removed. */
  message: string;
  status: number | undefined;
  retryable: boolean;
}

/** Codes of calls EC2 refused for their rate: nothing was done. */
export const throttlingCodes: ReadonlySet<string> = new Set([
  'RequestLimitExceeded',
  'Throttling',
  'ThrottlingException',
]);
const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'TimeoutError',
]);
/** Codes meaning "these credentials may not do this" (or are not valid at all). */
export const unauthorizedCodes = new Set([
  'UnauthorizedOperation',
  'AuthFailure',
  'Blocked',
  'OptInRequired',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'RequestExpired',
  'PendingVerification',
]);

/** Reads an SDK error's code, status and a safe one-line message. */
export function describeEc2Error(error: unknown): Ec2ErrorDetails {
  const fields = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    message?: unknown;
    Code?: unknown;
    code?: unknown;
    $fault?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  const code =
    [fields.Code, fields.code, fields.name].find(
      (value): value is string => typeof value === 'string' && value !== '' && value !== 'Error',
    ) ?? 'UnknownError';
  const status = fields.$metadata?.httpStatusCode;
  const message = safeMessage(typeof fields.message === 'string' ? fields.message : String(error));
  const retryable =
    throttlingCodes.has(code) ||
    networkCodes.has(code) ||
    fields.$fault === 'server' ||
    (status !== undefined && (status === 429 || status >= 500));
  return { code, message, status, retryable };
}

/**
 * One line of at most 300 characters, without the encoded authorization failure message (which can be
 * decoded into the caller's policy details, so it is dropped rather than shown or decoded) and without
 * anything shaped like an access key id, secret key or session token.
 */
function safeMessage(text: string): string {
  const firstLine = (text.split('\n')[0] ?? '').replace(/\s*Encoded authorization failure message:.*$/i, '');
  const redacted = firstLine
    .replace(/\b(AKIA|ASIA|AIDA|AROA)[A-Z0-9]{12,}\b/g, '…')
    .replace(/[A-Za-z0-9/+=_-]{40,}/g, '…')
    .trim();
  return redacted.length > 300 ? `${redacted.slice(0, 300)}…` : redacted;
}

/** Turns a failed call into a Quarry error naming the action and EC2's code; `QuarryError`s pass through. */
export function toEc2QuarryError(error: unknown, action: string, region: string): QuarryError {
  if (QuarryError.is(error)) return error;
  const details = describeEc2Error(error);
  const text = `EC2 ${action} failed in ${region}: ${details.code}${details.message ? ` (${details.message})` : ''}.`;
  if (details.retryable) {
    return new RetryableError(text, {
      cause: new Error(`${details.code}: ${details.message}`),
      hint: 'EC2 is throttling or unreachable; check AWS_ENDPOINT_URL_EC2 and the network, then try again.',
    });
  }
  return new UpstreamError(text, {
    cause: new Error(`${details.code}: ${details.message}`),
    hint: hintFor(details.code, action),
  });
}

function hintFor(code: string, action: string): string {
  if (unauthorizedCodes.has(code)) {
    return `Check the AWS credentials: they must be valid and allow ec2:${action} (the encoded message can be read with aws sts decode-authorization-message, if you may).`;
  }
  if (code === 'CredentialsProviderError') return 'Give Quarry AWS credentials (AWS_PROFILE or access keys).';
  if (code.startsWith('InvalidKeyPair'))
    return 'Name an existing key pair (aws ec2 describe-key-pairs), or none.';
  if (code.includes('Limit') || code.includes('Capacity')) {
    return 'Try another instance type or Availability Zone, or ask AWS for a higher quota.';
  }
  return 'Check the plan and the account settings; run without --apply to see the dry run.';
}
