import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import {
  composeFakeCompletion,
  type FakeChatMessage,
  type FakeChatReplier,
  type FakeChatRequest,
  type FakeCompletion,
  fakeWords,
} from './fake-chat-reply.ts';
import { fakeEmbedding } from './fake-openai-server.ts';
import { closeServer, InjectedFaults, parseBody, readBody, sendBody, sendParts } from './http-body.ts';

/** One request received by the fake, whatever the answer was. */
export interface FakeBedrockRequest {
  method: string;
  /** e.g. `/model/amazon.titan-embed-text-v2%3A0/invoke`, as sent (no query). */
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
  /** Reads the next `times` requests (default 1) and never answers them, so client timeouts fire. */
  hangNext(times?: number): void;
  /**
   * Cuts the next `times` answers (default 1): an event stream after `messageStart` and the first text
   * delta (no `messageStop`), a JSON body after half its bytes; then the connection is destroyed.
   */
  truncateNext(times?: number): void;
  /** Scripts Converse replies (the text before any `maxTokens` cut); `undefined` restores the default. */
  setReply(replier: FakeChatReplier | undefined): void;
  /** Stops the server, dropping open connections, hung ones included. */
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

const embeddingModels: Record<string, ModelHandler> = {
  'amazon.titan-embed-text-v2:0': (body) => titan(body, { dimensions: [256, 512, 1024], fallback: 1024 }),
  'amazon.titan-embed-text-v1': (body) => titan(body, { fallback: 1536 }),
  'cohere.embed-english-v3': cohere,
  'cohere.embed-multilingual-v3': cohere,
};

/** Chat models the fake answers through the Converse API. */
export const fakeBedrockChatModels: readonly string[] = [
  'anthropic.claude-3-5-sonnet-20240620-v1:0',
  'amazon.nova-micro-v1:0',
  'meta.llama3-8b-instruct-v1:0',
];

/** What `ListFoundationModels` says about each model the fake knows: id, name, provider, input kinds. */
const catalogue: ReadonlyArray<readonly [string, string, string, string[]]> = [
  ['amazon.titan-embed-text-v2:0', 'Titan Text Embeddings V2', 'Amazon', ['TEXT']],
  ['amazon.titan-embed-text-v1', 'Titan Embeddings G1 - Text', 'Amazon', ['TEXT']],
  ['cohere.embed-english-v3', 'Embed English', 'Cohere', ['TEXT']],
  ['cohere.embed-multilingual-v3', 'Embed Multilingual', 'Cohere', ['TEXT']],
  ['anthropic.claude-3-5-sonnet-20240620-v1:0', 'Claude 3.5 Sonnet', 'Anthropic', ['TEXT', 'IMAGE']],
  ['amazon.nova-micro-v1:0', 'Nova Micro', 'Amazon', ['TEXT']],
  ['meta.llama3-8b-instruct-v1:0', 'Llama 3 8B Instruct', 'Meta', ['TEXT']],
];

/** How the fake answers one request: a JSON body, or AWS event-stream frames. */
type Answer =
  | { kind: 'json'; body: unknown; headers: Record<string, string> }
  | { kind: 'events'; frames: Uint8Array[] };

/** What the fake knows while answering one request. */
interface RequestContext {
  method: string;
  url: URL;
  modelId: string;
  operation: string | undefined;
  body: unknown;
  json: boolean;
  region: string;
  replier: FakeChatReplier | undefined;
}

/**
 * A loopback stand-in for Amazon Bedrock, runtime and control plane on one port, for the models Quarry
 * uses. `InvokeModel` (`POST /model/{modelId}/invoke`, the id URL-encoded) embeds with Titan Text
 * Embeddings v2 and v1 (`{ inputText, dimensions?, normalize? }` → `{ embedding, inputTextTokenCount }`)
 * and Cohere Embed v3 (`{ texts, input_type }` → `{ id, embeddings, texts, response_type }`), vectors from
 * `fakeEmbedding`. `Converse` (`POST /model/{modelId}/converse`) and `ConverseStream` (`…/converse-stream`,
 * binary `application/vnd.amazon.eventstream` frames) answer the chat models in
 * {@link fakeBedrockChatModels} with `fakeChatReply` unless scripted with `setReply`.
 * `ListFoundationModels` (`GET /foundation-models`) lists them all. Like Bedrock it rejects unsigned
 * requests (403), unknown models and malformed bodies (400 `ValidationException` with `{ message }`); it
 * checks that a SigV4 header is present, not that its signature is right. Every request is recorded,
 * including those answered with an injected failure, hung or cut off.
 */
export async function startFakeBedrockServer(): Promise<FakeBedrockServer> {
  const requests: FakeBedrockRequest[] = [];
  const faults = new InjectedFaults();
  const chat = { replier: undefined as FakeChatReplier | undefined };
  const server = createServer((request, response) => {
    readBody(request)
      .then((text) => {
        const url = new URL(request.url ?? '/', 'http://fake');
        const match = /^\/model\/([^/]+)\/([\w-]+)$/.exec(url.pathname);
        const modelId = match?.[1] === undefined ? '' : decodeURIComponent(match[1]);
        const method = request.method ?? 'GET';
        const { body, json } = parseBody(text);
        requests.push({ method, path: url.pathname, modelId, headers: request.headers, body });
        const failure = faults.takeFailure();
        if (failure !== undefined) {
          sendError(response, injectedFault(failure.status), false);
          return;
        }
        if (faults.takeHang()) return;
        const region = checkSigned(request);
        const operation = match?.[2];
        const answer = route({ method, url, modelId, operation, body, json, region, replier: chat.replier });
        send(response, answer, faults.takeTruncation());
      })
      .catch((error: unknown) => sendError(response, error, faults.takeTruncation()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext: (status, times) => faults.failNext(status, times),
    hangNext: (times) => faults.hangNext(times),
    truncateNext: (times) => faults.truncateNext(times),
    setReply: (replier) => {
      chat.replier = replier;
    },
    close: () => closeServer(server),
  };
}

function route(context: RequestContext): Answer {
  if (context.method === 'GET' && context.url.pathname === '/foundation-models') {
    return {
      kind: 'json',
      body: listFoundationModels(context.url.searchParams, context.region),
      headers: {},
    };
  }
  if (context.method !== 'POST' || context.operation === undefined) {
    throw new BedrockFault(404, 'UnknownOperationException', 'Unknown operation');
  }
  switch (context.operation) {
    case 'invoke':
      return invoke(context);
    case 'converse':
      return converseAnswer(readConverse(context));
    case 'converse-stream':
      return converseStreamAnswer(readConverse(context));
    default:
      throw new BedrockFault(404, 'UnknownOperationException', 'Unknown operation');
  }
}

function invoke(context: RequestContext): Answer {
  const handler = embeddingModels[context.modelId];
  if (handler === undefined) {
    const message = fakeBedrockChatModels.includes(context.modelId)
      ? `The fake Bedrock server answers ${context.modelId} through Converse only.`
      : 'The provided model identifier is invalid.';
    throw new BedrockFault(400, 'ValidationException', message);
  }
  const answer = handler(requireObject(context.body, context.json));
  return {
    kind: 'json',
    body: answer.body,
    headers: { 'x-amzn-bedrock-input-token-count': String(answer.tokens) },
  };
}

function requireObject(body: unknown, json: boolean): Record<string, unknown> {
  if (!json || typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new BedrockFault(
      400,
      'ValidationException',
      'Malformed input request, please reformat your input and try again.',
    );
  }
  return body as Record<string, unknown>;
}

/** A Converse request as the replier sees it, and its output budget. */
interface ConverseCall {
  request: FakeChatRequest;
  maxTokens: number | undefined;
  replier: FakeChatReplier | undefined;
}

/** Validates a Converse body the way Bedrock does, for the checks a client can get wrong. */
function readConverse(context: RequestContext): ConverseCall {
  const { modelId } = context;
  if (embeddingModels[modelId] !== undefined) {
    throw new BedrockFault(
      400,
      'ValidationException',
      "This action doesn't support the model that you provided. Try again with a supported text or chat model.",
    );
  }
  if (!fakeBedrockChatModels.includes(modelId)) {
    throw new BedrockFault(400, 'ValidationException', 'The provided model identifier is invalid.');
  }
  const body = requireObject(context.body, context.json);
  if (!Array.isArray(body.messages)) {
    throw validation("Value null at 'messages' failed to satisfy constraint: Member must not be null");
  }
  const messages = body.messages.map(readConverseMessage);
  if (messages[0]?.role !== 'user') {
    throw new BedrockFault(
      400,
      'ValidationException',
      'A conversation must start with a user message. Try again with a conversation that starts with a user message.',
    );
  }
  const system = Array.isArray(body.system) ? blockText(body.system) : '';
  const maxTokens = (body.inferenceConfig as { maxTokens?: unknown } | undefined)?.maxTokens;
  if (
    maxTokens !== undefined &&
    (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1)
  ) {
    throw validation(
      `Value '${String(maxTokens)}' at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1`,
    );
  }
  return { request: { model: modelId, system, messages }, maxTokens, replier: context.replier };
}

function readConverseMessage(message: unknown, index: number): FakeChatMessage {
  const { role, content } = (message ?? {}) as Record<string, unknown>;
  if (role !== 'user' && role !== 'assistant') {
    throw validation(
      `Value '${String(role)}' at 'messages.${index + 1}.member.role' failed to satisfy constraint: Member must satisfy enum value set: [user, assistant]`,
    );
  }
  if (!Array.isArray(content)) {
    throw validation(
      `Value null at 'messages.${index + 1}.member.content' failed to satisfy constraint: Member must not be null`,
    );
  }
  return { role, content: blockText(content) };
}

/** The text blocks of a content or system list, joined; images, documents and cache points have none. */
function blockText(blocks: unknown[]): string {
  return blocks
    .map((block: unknown) => (block as { text?: unknown } | null)?.text)
    .filter((text): text is string => typeof text === 'string')
    .join('\n');
}

function validation(detail: string): BedrockFault {
  return new BedrockFault(400, 'ValidationException', `1 validation error detected: ${detail}`);
}

function converseUsage(completion: FakeCompletion) {
  return {
    inputTokens: completion.promptTokens,
    outputTokens: completion.completionTokens,
    totalTokens: completion.promptTokens + completion.completionTokens,
  };
}

/** A made-up but stable latency, so answers are identical from run to run. */
function latencyMs(completion: FakeCompletion): number {
  return 100 + completion.completionTokens * 5;
}

function stopReason(completion: FakeCompletion): string {
  return completion.finish === 'length' ? 'max_tokens' : 'end_turn';
}

function converseAnswer(call: ConverseCall): Answer {
  const completion = composeFakeCompletion(call.request, call.replier, call.maxTokens);
  return {
    kind: 'json',
    body: {
      output: { message: { role: 'assistant', content: [{ text: completion.text }] } },
      stopReason: stopReason(completion),
      usage: converseUsage(completion),
      metrics: { latencyMs: latencyMs(completion) },
    },
    headers: {},
  };
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);

/**
 * One event-stream message as ConverseStream sends it. Bedrock pads every payload with a `p` field of
 * varying length (so that sizes do not leak the text); clients must ignore it, so the fake sends one too.
 */
function eventFrame(eventType: string, payload: object, index: number): Uint8Array {
  const padding = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'.slice(
    0,
    4 + ((index * 7) % 40),
  );
  return codec.encode({
    headers: {
      ':event-type': { type: 'string', value: eventType },
      ':content-type': { type: 'string', value: 'application/json' },
      ':message-type': { type: 'string', value: 'event' },
    },
    body: fromUtf8(JSON.stringify({ ...payload, p: padding })),
  });
}

/** The events of a streamed reply: start, text deltas, block stop, message stop, then usage and metrics. */
function converseStreamAnswer(call: ConverseCall): Answer {
  const completion = composeFakeCompletion(call.request, call.replier, call.maxTokens);
  const events: Array<[string, object]> = [
    ['messageStart', { role: 'assistant' }],
    ...completion.deltas.map((text): [string, object] => [
      'contentBlockDelta',
      { contentBlockIndex: 0, delta: { text } },
    ]),
    ['contentBlockStop', { contentBlockIndex: 0 }],
    ['messageStop', { stopReason: stopReason(completion) }],
    ['metadata', { usage: converseUsage(completion), metrics: { latencyMs: latencyMs(completion) } }],
  ];
  return { kind: 'events', frames: events.map(([type, payload], index) => eventFrame(type, payload, index)) };
}

/** `ListFoundationModels`, with its `byProvider`, `byOutputModality` and `byInferenceType` filters. */
function listFoundationModels(query: URLSearchParams, region: string): unknown {
  const summaries = catalogue.map(([modelId, modelName, providerName, inputModalities]) => {
    const chat = fakeBedrockChatModels.includes(modelId);
    return {
      modelArn: `arn:aws:bedrock:${region}::foundation-model/${modelId}`,
      modelId,
      modelName,
      providerName,
      inputModalities,
      outputModalities: [chat ? 'TEXT' : 'EMBEDDING'],
      responseStreamingSupported: chat,
      customizationsSupported: [],
      inferenceTypesSupported: ['ON_DEMAND'],
      modelLifecycle: { status: 'ACTIVE' },
    };
  });
  const provider = query.get('byProvider')?.toLowerCase();
  const modality = query.get('byOutputModality');
  const inferenceType = query.get('byInferenceType');
  return {
    modelSummaries: summaries.filter(
      (summary) =>
        (provider === undefined || summary.providerName.toLowerCase() === provider) &&
        (modality === null || summary.outputModalities.includes(modality)) &&
        (inferenceType === null || summary.inferenceTypesSupported.includes(inferenceType)),
    ),
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

/**
 * SigV4 (`AWS4-HMAC-SHA256 Credential=…/bedrock/aws4_request…` plus `x-amz-date`) or a Bedrock API key.
 * Returns the region of the credential scope (`us-east-1` for an API key), which ARNs in answers use.
 */
function checkSigned(request: IncomingMessage): string {
  const authorization = request.headers.authorization;
  if (authorization === undefined || authorization === '') {
    throw new BedrockFault(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  if (authorization.startsWith('Bearer ')) return 'us-east-1';
  const sigV4 =
    /^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/([\w-]+)\/bedrock\/aws4_request, ?SignedHeaders=[^,]+, ?Signature=[0-9a-f]{64}$/;
  const region = sigV4.exec(authorization)?.[1];
  if (region === undefined || !request.headers['x-amz-date']) {
    throw new BedrockFault(
      403,
      'IncompleteSignatureException',
      'Authorization header requires a valid AWS4-HMAC-SHA256 signature and an X-Amz-Date header.',
    );
  }
  return region;
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

function send(response: ServerResponse, answer: Answer, truncate: boolean): void {
  if (answer.kind === 'json') {
    sendJson(response, 200, answer.body, answer.headers, truncate);
    return;
  }
  const headers = { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': randomUUID() };
  sendParts(response, 200, headers, answer.frames, truncate);
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string>,
  truncate: boolean,
) {
  const allHeaders = { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID(), ...headers };
  sendBody(response, status, allHeaders, JSON.stringify(body), truncate);
}

function sendError(response: ServerResponse, error: unknown, truncate: boolean): void {
  const fault =
    error instanceof BedrockFault
      ? error
      : new BedrockFault(500, 'InternalServerException', 'The fake Bedrock server failed.');
  sendJson(response, fault.status, { message: fault.message }, { 'x-amzn-errortype': fault.type }, truncate);
}
