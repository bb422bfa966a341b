import { type MessageAttributeValue, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { RetryableError, UpstreamError, ValidationError } from '../../core/errors/index.ts';
import type { Notifier, QuarryEvent } from '../../core/ports/notifier.ts';

/** Options of {@link createSnsNotifier}. */
export interface SnsNotifierOptions {
  /** `arn:aws:sns:<region>:<account>:<name>`; a name ending in `.fifo` is a FIFO topic. */
  topicArn: string;
  /** A ready client; when given, `region`, `endpoint` and `timeoutMs` are not used. */
  client?: SNSClient;
  /** Default: the region in `topicArn` (a topic is only reachable in its own region). */
  region?: string;
  /** A stand-in endpoint such as `http://127.0.0.1:4566`. */
  endpoint?: string;
  /** Per request attempt. Default 10 000. */
  timeoutMs?: number;
}

const topicArnPattern = /^arn:aws[\w-]*:sns:([\w-]+):\d{12}:[\w.-]+$/;
/** SNS rejects subjects of 100 characters or more. */
const maxSubjectLength = 99;
/** Error codes SNS and the AWS query protocol use for rate limits. */
const throttlingCodes = new Set(['Throttled', 'Throttling', 'ThrottlingException', 'KMSThrottling']);
const credentialCodes = new Set([
  'AuthorizationError',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'ExpiredToken',
  'AccessDenied',
  'InvalidSecurity',
  'MissingAuthenticationToken',
  'UnrecognizedClientException',
]);
/** Socket-level failures worth trying again. */
const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND']);

/**
 * A `Notifier` that publishes each event to an Amazon SNS topic: `Message` is the event as JSON,
 * `Subject` a short line for e-mail subscribers, and the `event` and `repo` message attributes allow
 * subscription filter policies. FIFO topics get the repository as message group and a deduplication
 * id per release. The SDK retries throttling and server errors first; what is left becomes a
 * `RetryableError` (throttling, 5xx, network) or an `UpstreamError` (anything else), with no
 * credential in it.
 */
export function createSnsNotifier(options: SnsNotifierOptions): Notifier {
  const { topicArn } = options;
  const match = topicArnPattern.exec(topicArn);
  if (match === null) {
    throw new ValidationError('The SNS topic ARN is not valid.', {
      hint: 'Set notify.snsTopicArn to an ARN such as arn:aws:sns:us-east-1:123456789012:quarry.',
    });
  }
  const client = options.client ?? createClient(options, match[1] ?? '');
  return {
    name: `sns ${topicArn}`,
    async notify(event: QuarryEvent): Promise<void> {
      try {
        await client.send(new PublishCommand(publishInput(topicArn, event)));
      } catch (error) {
        throw mapSnsError(error, topicArn, event);
      }
    },
  };
}

function createClient(options: SnsNotifierOptions, topicRegion: string): SNSClient {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new SNSClient({
    region: options.region ?? topicRegion,
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    requestHandler: { requestTimeout: timeoutMs, connectionTimeout: timeoutMs },
  });
}

function publishInput(topicArn: string, event: QuarryEvent): ConstructorParameters<typeof PublishCommand>[0] {
  const attributes: Record<string, MessageAttributeValue> = {
    event: { DataType: 'String', StringValue: event.event },
    repo: { DataType: 'String', StringValue: event.repo },
  };
  const input: ConstructorParameters<typeof PublishCommand>[0] = {
    TopicArn: topicArn,
    Message: JSON.stringify(event),
    Subject: subjectOf(event),
    MessageAttributes: attributes,
  };
  if (topicArn.endsWith('.fifo')) {
    input.MessageGroupId = fifoIdentifier(event.repo);
    input.MessageDeduplicationId = fifoIdentifier(`${event.event}:${event.repo}:${event.tag}`);
  }
  return input;
}

/** E-mail subscribers see this; SNS accepts only printable ASCII under 100 characters. */
function subjectOf(event: QuarryEvent): string {
  const subject = `Quarry: ${event.repo} ${event.tag} extracted`.replace(/[^\x20-\x7e]/g, '?');
  return subject.length <= maxSubjectLength ? subject : `${subject.slice(0, maxSubjectLength - 3)}...`;
}

/** FIFO ids allow up to 128 ASCII letters, digits and punctuation. */
function fifoIdentifier(text: string): string {
  return text.replace(/[^\x21-\x7e]/g, '_').slice(0, 128);
}

/** Turns an SDK failure into a Quarry error whose text carries no credential. */
function mapSnsError(error: unknown, topicArn: string, event: QuarryEvent): Error {
  const details = describeSdkError(error);
  const what = `The ${event.event} event for ${event.repo} ${event.tag} could not be published to ${topicArn}`;
  const cause = new Error(
    `${details.code}: ${details.text}${details.requestId ? ` (request ${details.requestId})` : ''}`,
  );
  if (details.retryable) {
    return new RetryableError(`${what}: ${details.summary}.`, {
      cause,
      hint: 'Amazon SNS is throttling or unavailable; try again later.',
    });
  }
  return new UpstreamError(`${what}: ${details.summary}.`, { cause, hint: hintFor(details.code) });
}

interface SdkErrorDetails {
  code: string;
  text: string;
  summary: string;
  retryable: boolean;
  requestId: string | undefined;
}

function describeSdkError(error: unknown): SdkErrorDetails {
  const fields = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    message?: unknown;
    Code?: unknown;
    code?: unknown;
    $fault?: unknown;
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number; requestId?: string };
  };
  const code = [fields.Code, fields.code, fields.name].find((value) => typeof value === 'string') ?? 'Error';
  const text = redactCredentials(typeof fields.message === 'string' ? fields.message : String(error));
  const status = fields.$metadata?.httpStatusCode;
  const retryable =
    throttlingCodes.has(code) ||
    networkCodes.has(code) ||
    fields.name === 'TimeoutError' ||
    fields.$fault === 'server' ||
    fields.$retryable !== undefined ||
    (status !== undefined && (status === 429 || status >= 500));
  const summary = status === undefined ? `${code} (${text})` : `${status} ${code} (${text})`;
  return { code: String(code), text, summary, retryable, requestId: fields.$metadata?.requestId };
}

function hintFor(code: string): string {
  if (code === 'NotFound' || code === 'NotFoundException') {
    return 'Check notify.snsTopicArn: the topic must exist in the region named in its ARN.';
  }
  if (credentialCodes.has(code) || code.startsWith('KMS')) {
    return 'Check the AWS credentials Quarry runs with: they must allow sns:Publish on the topic (and use its KMS key).';
  }
  if (code === 'CredentialsProviderError') {
    return 'Give Quarry AWS credentials (environment variables, a profile or an IAM role) that allow sns:Publish.';
  }
  return 'Check the topic and the AWS account settings; this error is not retried.';
}

/**
 * Keeps one line of at most 200 characters and removes access key ids and anything shaped like a
 * secret key or session token, which some AWS errors echo in their canonical request.
 */
function redactCredentials(message: string): string {
  const firstLine = message.split('\n')[0] ?? '';
  const redacted = firstLine
    .replace(/\b(AKIA|ASIA|AIDA|AROA)[A-Z0-9]{12,}\b/g, '…')
    .replace(/[A-Za-z0-9/+=]{40,}/g, '…');
  return redacted.length > 200 ? `${redacted.slice(0, 200)}…` : redacted;
}
