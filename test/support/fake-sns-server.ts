import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One message accepted by the fake. */
export interface FakeSnsPublish {
  topicArn: string;
  message: string;
  subject?: string;
  /** String message attributes by name. */
  attributes: Record<string, string>;
  /** Only for FIFO topics. */
  messageGroupId?: string;
  messageDeduplicationId?: string;
}

/** Options of {@link startFakeSnsServer}. */
export interface FakeSnsOptions {
  /** Topic ARNs that exist; when given, publishing elsewhere is a `NotFound` error. */
  topics?: string[];
}

/** A running fake; see {@link startFakeSnsServer}. */
export interface FakeSnsServer {
  /** `http://127.0.0.1:<port>`, for the SNS client's `endpoint`. */
  endpoint: string;
  published: FakeSnsPublish[];
  /** Answers the next `count` requests with an SNS error for `status` (default 500 `InternalError`). */
  failNext(count: number, status?: number): void;
  close(): Promise<void>;
}

const xmlNamespace = 'http://sns.amazonaws.com/doc/2010-03-31/';

/** The SNS error code a real service sends with each status. */
const errorCodes: Record<number, string> = {
  400: 'InvalidParameter',
  403: 'AuthorizationError',
  404: 'NotFound',
  429: 'Throttled',
  500: 'InternalError',
  503: 'ServiceUnavailable',
};

class SnsFault extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A loopback stand-in for Amazon SNS speaking the awsQuery protocol that `@aws-sdk/client-sns` v3
 * uses: a form-encoded POST (`Action=Publish&TopicArn=…&Message=…&MessageAttributes.entry.1.Name=…`),
 * answered with `<PublishResponse>` XML or an `<ErrorResponse>` with SNS's error codes. It checks that
 * requests are SigV4-signed (not the signature itself) and validates what real SNS validates for
 * Publish: topic, message, subject length and characters, FIFO group ids.
 */
export async function startFakeSnsServer(options: FakeSnsOptions = {}): Promise<FakeSnsServer> {
  const published: FakeSnsPublish[] = [];
  const failures = { remaining: 0, status: 500 };
  const topics = options.topics === undefined ? undefined : new Set(options.topics);
  const server = createServer((request, response) => {
    readBody(request)
      .then((body) => {
        if (failures.remaining > 0) {
          failures.remaining -= 1;
          const code =
            errorCodes[failures.status] ?? (failures.status >= 500 ? 'InternalError' : 'InvalidParameter');
          throw new SnsFault(failures.status, code, `Injected failure (${code}).`);
        }
        const entry = handlePublish(request, body, topics);
        published.push(entry);
        sendPublishResult(response);
      })
      .catch((error: unknown) => sendError(response, error));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    published,
    failNext(count: number, status = 500) {
      failures.remaining = count;
      failures.status = status;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function handlePublish(
  request: IncomingMessage,
  body: string,
  topics: Set<string> | undefined,
): FakeSnsPublish {
  assertSigned(request);
  const form = new URLSearchParams(body);
  const action = form.get('Action');
  if (request.method !== 'POST' || action !== 'Publish') {
    throw new SnsFault(
      400,
      'InvalidAction',
      `The action ${action ?? '(none)'} is not valid for this endpoint.`,
    );
  }
  const topicArn = form.get('TopicArn') ?? form.get('TargetArn');
  if (!topicArn) {
    throw new SnsFault(
      400,
      'InvalidParameter',
      'Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter',
    );
  }
  if (topics !== undefined && !topics.has(topicArn))
    throw new SnsFault(404, 'NotFound', 'Topic does not exist');
  const message = form.get('Message');
  if (!message) throw new SnsFault(400, 'InvalidParameter', 'Invalid parameter: Empty message');
  if (Buffer.byteLength(message) > 256 * 1024) {
    throw new SnsFault(400, 'InvalidParameter', 'Invalid parameter: Message too long');
  }
  const entry: FakeSnsPublish = { topicArn, message, attributes: readAttributes(form) };
  const subject = form.get('Subject');
  if (subject !== null) entry.subject = validSubject(subject);
  Object.assign(entry, readFifoFields(form, topicArn));
  return entry;
}

function assertSigned(request: IncomingMessage): void {
  const authorization = request.headers.authorization ?? '';
  if (
    !/^AWS4-HMAC-SHA256 Credential=\w+\/\d{8}\/[\w-]+\/sns\/aws4_request, SignedHeaders=[^,]+, Signature=[0-9a-f]{64}$/.test(
      authorization,
    )
  ) {
    throw new SnsFault(
      403,
      'IncompleteSignature',
      'Request must contain a signature that conforms to AWS standards',
    );
  }
  if (!request.headers['x-amz-date']) {
    throw new SnsFault(
      403,
      'IncompleteSignature',
      'Authorization header requires existence of either a X-Amz-Date or a Date header.',
    );
  }
}

/** Real SNS: ASCII text starting with a letter, number or punctuation, no line breaks, under 100 characters. */
function validSubject(subject: string): string {
  if (subject.length === 0 || subject.length >= 100 || !/^[\x21-\x7e][\x20-\x7e]*$/.test(subject)) {
    throw new SnsFault(400, 'InvalidParameter', 'Invalid parameter: Subject');
  }
  return subject;
}

function readAttributes(form: URLSearchParams): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (let index = 1; form.has(`MessageAttributes.entry.${index}.Name`); index += 1) {
    const prefix = `MessageAttributes.entry.${index}`;
    const name = form.get(`${prefix}.Name`) ?? '';
    const dataType = form.get(`${prefix}.Value.DataType`) ?? '';
    const value = form.get(`${prefix}.Value.StringValue`);
    if (!/^(String|Number|Binary|String\.Array)(\..+)?$/.test(dataType)) {
      throw new SnsFault(
        400,
        'ParameterValueInvalid',
        `The message attribute '${name}' has an invalid message attribute type.`,
      );
    }
    if (value === null && dataType !== 'Binary') {
      throw new SnsFault(
        400,
        'ParameterValueInvalid',
        `The message attribute '${name}' must contain non-empty message attribute value.`,
      );
    }
    attributes[name] = value ?? form.get(`${prefix}.Value.BinaryValue`) ?? '';
  }
  return attributes;
}

function readFifoFields(form: URLSearchParams, topicArn: string): Partial<FakeSnsPublish> {
  const messageGroupId = form.get('MessageGroupId');
  const messageDeduplicationId = form.get('MessageDeduplicationId');
  if (topicArn.endsWith('.fifo') && !messageGroupId) {
    throw new SnsFault(
      400,
      'InvalidParameter',
      'Invalid parameter: The MessageGroupId parameter is required for FIFO topics',
    );
  }
  return {
    ...(messageGroupId === null ? {} : { messageGroupId }),
    ...(messageDeduplicationId === null ? {} : { messageDeduplicationId }),
  };
}

function sendPublishResult(response: ServerResponse): void {
  const requestId = randomUUID();
  const body =
    `<PublishResponse xmlns="${xmlNamespace}"><PublishResult><MessageId>${randomUUID()}</MessageId>` +
    `</PublishResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></PublishResponse>`;
  response.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
  response.end(body);
}

function sendError(response: ServerResponse, error: unknown): void {
  const fault =
    error instanceof SnsFault ? error : new SnsFault(500, 'InternalError', 'The fake SNS server failed.');
  const requestId = randomUUID();
  const type = fault.status >= 500 ? 'Receiver' : 'Sender';
  const body =
    `<ErrorResponse xmlns="${xmlNamespace}"><Error><Type>${type}</Type><Code>${fault.code}</Code>` +
    `<Message>${escapeXml(fault.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
  response.writeHead(fault.status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
  response.end(body);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (character) => `&#${character.charCodeAt(0)};`);
}
