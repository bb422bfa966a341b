import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fakeEmbedding, fakeWords } from './fake-openai-server.ts';
import { parseBody, readBody } from './http-body.ts';

/** One request received by the fake, whatever the answer was. */
export interface FakeBedrockRequest {
  /** e.g. `/model/amazon.titan-embed-text-v2%3A0/invoke`, as sent. */
  path: string;
  /** The decoded model id, e.g. `amazon.titan-embed-text-v2:0`; empty for other paths. */
  modelId: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, or the raw text when it is not JSON. */
  body: unknown;
}

/** A running fake; see {@link startFakeBedrockServer}. */
export interface FakeBedrockServer {
  /** `http://127.0.0.1:<port>`, for `AWS_ENDPOINT_URL_BEDROCK_RUNTIME` or a provider's `baseURL`. */
  url: string;
  requests: FakeBedrockRequest[];
  /** Answers the next `times` requests (default 1) with `status` (429 → `ThrottlingException`). */
  failNext(status: number, times?: number): void;
  close(): Promise<void>;
}

/** A Bedrock error: the status, the `x-amzn-ErrorType` header and the `{ message }` body. */
class BedrockFault extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** An embedding model the fake serves: turns a request body into a response body. */
type ModelHandler = (body: Record<string, unknown>) => { body: unknown; tokens: number };

const models: Record<string, ModelHandler> = {
  'amazon.titan-embed-text-v2:0': (body) => titan(body, { dimensions: [256, 512, 1024], fallback: 1024 }),
  'amazon.titan-embed-text-v1': (body) => titan(body, { fallback: 1536 }),
  'cohere.embed-english-v3': cohere,
  'cohere.embed-multilingual-v3': cohere,
};

/**
 * A loopback stand-in for Amazon Bedrock Runtime's `InvokeModel` (`POST /model/{modelId}/invoke`, the id
 * URL-encoded) for the embedding models Quarry uses: Titan Text Embeddings v2 and v1
 * (`{ inputText, dimensions?, normalize? }` → `{ embedding, inputTextTokenCount }`) and Cohere Embed v3
 * (`{ texts, input_type }` → `{ id, embeddings, texts, response_type: 'embeddings_floats' }`). Vectors come
 * from `fakeEmbedding`. Like Bedrock it rejects unsigned requests (403), unknown models and malformed
 * bodies (400 `ValidationException` with `{ message }`); it checks that a SigV4 header is present, not
 * that its signature is right.
 */
export async function startFakeBedrockServer(): Promise<FakeBedrockServer> {
  const requests: FakeBedrockRequest[] = [];
  const failures = { remaining: 0, status: 500 };
  const server = createServer((request, response) => {
    readBody(request)
      .then((text) => {
        const path = new URL(request.url ?? '/', 'http://fake').pathname;
        const match = /^\/model\/([^/]+)\/invoke$/.exec(path);
        const modelId = match?.[1] === undefined ? '' : decodeURIComponent(match[1]);
        const { body, json } = parseBody(text);
        requests.push({ path, modelId, headers: request.headers, body });
        if (failures.remaining > 0) {
          failures.remaining -= 1;
          throw injectedFault(failures.status);
        }
        checkSigned(request);
        if (request.method !== 'POST' || match === undefined) {
          throw new BedrockFault(404, 'UnknownOperationException', 'Unknown operation');
        }
        const handler = models[modelId];
        if (handler === undefined) {
          throw new BedrockFault(400, 'ValidationException', 'The provided model identifier is invalid.');
        }
        if (!json || typeof body !== 'object' || body === null || Array.isArray(body)) {
          throw new BedrockFault(
            400,
            'ValidationException',
            'Malformed input request, please reformat your input and try again.',
          );
        }
        const answer = handler(body as Record<string, unknown>);
        sendJson(response, 200, answer.body, { 'x-amzn-bedrock-input-token-count': String(answer.tokens) });
      })
      .catch((error: unknown) => sendError(response, error));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext(status: number, times = 1) {
      failures.remaining = times;
      failures.status = status;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function titan(
  body: Record<string, unknown>,
  shape: { dimensions?: number[]; fallback: number },
): { body: unknown; tokens: number } {
  const allowedKeys =
    shape.dimensions === undefined ? ['inputText'] : ['inputText', 'dimensions', 'normalize'];
  rejectExtraneousKeys(body, allowedKeys);
  const inputText = body.inputText;
  if (typeof inputText !== 'string' || inputText === '') {
    throw malformed(
      typeof inputText === 'string'
        ? 'expected minLength: 1, actual: 0'
        : 'required key [inputText] not found',
    );
  }
  let dimensions = shape.fallback;
  if (body.dimensions !== undefined) {
    if (!shape.dimensions?.includes(body.dimensions as number)) {
      throw malformed(`${String(body.dimensions)} is not a valid enum value`);
    }
    dimensions = body.dimensions as number;
  }
  if (body.normalize !== undefined && typeof body.normalize !== 'boolean')
    throw malformed('expected type: Boolean');
  const unit = fakeEmbedding(inputText, dimensions);
  // Without normalisation Titan's vectors are not of unit length; callers must not assume they are.
  const embedding = body.normalize === false ? unit.map((value) => value * 3) : unit;
  const tokens = Math.max(fakeWords(inputText).length, 1);
  return { body: { embedding, inputTextTokenCount: tokens }, tokens };
}

const cohereInputTypes = ['search_document', 'search_query', 'classification', 'clustering'];

function cohere(body: Record<string, unknown>): { body: unknown; tokens: number } {
  rejectExtraneousKeys(body, ['texts', 'input_type', 'truncate', 'embedding_types']);
  const texts = body.texts;
  if (!Array.isArray(texts) || texts.length === 0 || texts.length > 96) {
    throw malformed('#/texts: expected between 1 and 96 items');
  }
  if (texts.some((text) => typeof text !== 'string')) throw malformed('#/texts: expected type: String');
  if (body.input_type === undefined) throw malformed('#: required key [input_type] not found');
  if (!cohereInputTypes.includes(body.input_type as string)) {
    throw malformed(`#/input_type: ${String(body.input_type)} is not a valid enum value`);
  }
  const embeddings = (texts as string[]).map((text) => fakeEmbedding(text, 1024));
  const tokens = (texts as string[]).reduce((sum, text) => sum + Math.max(fakeWords(text).length, 1), 0);
  return { body: { id: randomUUID(), embeddings, texts, response_type: 'embeddings_floats' }, tokens };
}

function rejectExtraneousKeys(body: Record<string, unknown>, allowed: string[]): void {
  const extra = Object.keys(body).find((key) => !allowed.includes(key) && body[key] !== undefined);
  if (extra !== undefined) throw malformed(`extraneous key [${extra}] is not permitted`);
}

function malformed(detail: string): BedrockFault {
  return new BedrockFault(
    400,
    'ValidationException',
    `Malformed input request: ${detail}, please reformat your input and try again.`,
  );
}

/** SigV4 (`AWS4-HMAC-SHA256 Credential=…/bedrock/aws4_request…` plus `x-amz-date`) or a Bedrock API key. */
function checkSigned(request: IncomingMessage): void {
  const authorization = request.headers.authorization;
  if (authorization === undefined || authorization === '') {
    throw new BedrockFault(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  if (authorization.startsWith('Bearer ')) return;
  const sigV4 =
    /^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[\w-]+\/bedrock\/aws4_request, ?SignedHeaders=[^,]+, ?Signature=[0-9a-f]{64}$/;
  if (!sigV4.test(authorization) || !request.headers['x-amz-date']) {
    throw new BedrockFault(
      403,
      'IncompleteSignatureException',
      'Authorization header requires a valid AWS4-HMAC-SHA256 signature and an X-Amz-Date header.',
    );
  }
}

function injectedFault(status: number): BedrockFault {
  if (status === 429)
    return new BedrockFault(
      429,
      'ThrottlingException',
      'Too many requests, please wait before trying again.',
    );
  if (status === 503)
    return new BedrockFault(503, 'ServiceUnavailableException', 'Bedrock is unable to process your request.');
  if (status >= 500)
    return new BedrockFault(
      status,
      'InternalServerException',
      'The server encountered an error processing your request.',
    );
  return new BedrockFault(status, 'ValidationException', `Injected failure (${status}).`);
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  response.writeHead(status, {
    'content-type': 'application/json',
    'x-amzn-requestid': randomUUID(),
    ...headers,
  });
  response.end(JSON.stringify(body));
}

function sendError(response: ServerResponse, error: unknown): void {
  const fault =
    error instanceof BedrockFault
      ? error
      : new BedrockFault(500, 'InternalServerException', 'The fake Bedrock server failed.');
  sendJson(response, fault.status, { message: fault.message }, { 'x-amzn-errortype': fault.type });
}
