import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  composeFakeCompletion,
  type FakeChatMessage,
  type FakeChatReplier,
  type FakeCompletion,
  fakeWords,
} from './fake-chat-reply.ts';
import { closeServer, InjectedFaults, parseBody, readBody, sendBody, sendParts } from './http-body.ts';

/** The fake's word tokens; they live with the chat replies, which count them too. */
export { fakeWords };

/** One request received by the fake, whatever the answer was. */
export interface FakeOpenAiRequest {
  method: string;
  /** e.g. `/v1/embeddings` (no query). */
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body; `undefined` for a request without one, the raw text when it is not JSON. */
  body: unknown;
}

/** Options of {@link startFakeOpenAiServer}. */
export interface FakeOpenAiOptions {
  /** When set, every request must carry `Authorization: Bearer <requireApiKey>`, or it gets a 401. */
  requireApiKey?: string;
  /**
   * Model ids listed by `GET /v1/models` and `GET /api/tags` and accepted by the endpoints (embedding and
   * chat alike, as Ollama does). Default {@link defaultFakeModels}.
   */
  models?: string[];
  /** Vector size when a request names no `dimensions`. Default 64. */
  defaultDimensions?: number;
}

/** A running fake; see {@link startFakeOpenAiServer}. */
export interface FakeOpenAiServer {
  /** Base URL ending in `/v1`, for an OpenAI-compatible client's `baseURL`. */
  url: string;
  /** The server root (`url` without `/v1`), where Ollama's own API (`/api/tags`) lives. */
  rootUrl: string;
  requests: FakeOpenAiRequest[];
  /**
   * Answers the next `times` requests (default 1) with `status` and OpenAI's error body; `retryAfter`
   * (seconds) adds a `Retry-After` header, which the AI SDK honours (pass 0 to make retries instant).
   */
  failNext(status: number, times?: number, retryAfter?: number): void;
  /** Reads the next `times` requests (default 1) and never answers them, so client timeouts fire. */
  hangNext(times?: number): void;
  /**
   * Cuts the next `times` answers (default 1): a stream after its first chunk or two (no finish chunk,
   * no `[DONE]`), a JSON body after half its bytes; then the connection is destroyed.
   */
  truncateNext(times?: number): void;
  /** Scripts chat replies (the text before any `max_tokens` cut); `undefined` restores the default. */
  setReply(replier: FakeChatReplier | undefined): void;
  /** Stops the server, dropping open connections, hung ones included. */
  close(): Promise<void>;
}

/** Models the fake knows unless told otherwise: embedding models, then chat models. */
export const defaultFakeModels: readonly string[] = [
  'text-embedding-3-small',
  'text-embedding-3-large',
  'text-embedding-ada-002',
  'nomic-embed-text',
  'qwen2.5-coder:7b',
  'gpt-4o-mini',
  'llama3.2',
];

/** Models that, like the real ones, refuse a `dimensions` parameter. */
const fixedSizeModels = new Set(['text-embedding-ada-002']);

/** OpenAI accepts at most this many inputs per embeddings request. */
const maxInputs = 2048;

/** An error the way OpenAI sends it: `{ error: { message, type, param, code } }`. */
class OpenAiFault extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string,
    readonly code: string | null = null,
    readonly param: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** An answer sent as server-sent events: one `data:` line per event, then `data: [DONE]`. */
class ServerSentEvents {
  constructor(readonly events: readonly unknown[]) {}
}

/** What the fake knows while answering one request. */
interface RouteContext {
  body: unknown;
  models: readonly string[];
  defaultDimensions: number;
  replier: FakeChatReplier | undefined;
}

/**
 * A route answers with a JSON body (status 200) or {@link ServerSentEvents}, or throws an
 * {@link OpenAiFault}.
 */
interface Route {
  method: 'GET' | 'POST';
  path: string;
  handle(context: RouteContext): unknown;
}

/** The endpoints, one line each. Ollama's native listing sits at the root, beside its `/v1` API. */
const routes: readonly Route[] = [
  { method: 'GET', path: '/v1/models', handle: listModels },
  { method: 'POST', path: '/v1/embeddings', handle: createEmbeddings },
  { method: 'POST', path: '/v1/chat/completions', handle: createChatCompletion },
  { method: 'GET', path: '/api/tags', handle: listOllamaTags },
];

/**
 * A loopback stand-in for an OpenAI-compatible server (OpenAI, Ollama, vLLM, LM Studio) speaking the
 * real wire format: `POST /v1/embeddings` with `{ input, model, dimensions?, encoding_format? }`,
 * `POST /v1/chat/completions` (JSON or, with `stream: true`, server-sent `chat.completion.chunk`s),
 * `GET /v1/models` and Ollama's `GET /api/tags`, with OpenAI's error bodies and status codes. Its
 * vectors come from {@link fakeEmbedding}: deterministic, and closer for texts that share words; its chat
 * replies from `fakeChatReply` unless scripted with `setReply`. Every request is recorded, including
 * those answered with an injected failure, hung or cut off.
 */
export async function startFakeOpenAiServer(options: FakeOpenAiOptions = {}): Promise<FakeOpenAiServer> {
  const requests: FakeOpenAiRequest[] = [];
  const faults = new InjectedFaults();
  const chat = { replier: undefined as FakeChatReplier | undefined };
  const models = options.models ?? defaultFakeModels;
  const defaultDimensions = options.defaultDimensions ?? 64;
  const server = createServer((request, response) => {
    readBody(request)
      .then((text) => {
        const path = new URL(request.url ?? '/', 'http://fake').pathname;
        const { body, json } = parseBody(text);
        requests.push({ method: request.method ?? 'GET', path, headers: request.headers, body });
        const failure = faults.takeFailure();
        if (failure !== undefined) {
          sendError(response, injectedFault(failure.status, failure.retryAfter), false);
          return;
        }
        if (faults.takeHang()) return;
        checkApiKey(request, options.requireApiKey);
        const route = routes.find(
          (candidate) => candidate.path === path && candidate.method === request.method,
        );
        if (route === undefined) {
          throw new OpenAiFault(404, `Invalid URL (${request.method} ${path})`, 'invalid_request_error');
        }
        if (!json) {
          throw new OpenAiFault(
            400,
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
            'invalid_request_error',
          );
        }
        const answer = route.handle({ body, models, defaultDimensions, replier: chat.replier });
        if (answer instanceof ServerSentEvents) sendEvents(response, answer, faults.takeTruncation());
        else sendJson(response, 200, answer, {}, faults.takeTruncation());
      })
      .catch((error: unknown) => sendError(response, error, faults.takeTruncation()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    rootUrl: `http://127.0.0.1:${port}`,
    requests,
    failNext: (status, times, retryAfter) => faults.failNext(status, times, retryAfter),
    hangNext: (times) => faults.hangNext(times),
    truncateNext: (times) => faults.truncateNext(times),
    setReply: (replier) => {
      chat.replier = replier;
    },
    close: () => closeServer(server),
  };
}

/**
 * The fake's embedding of `text`: a hashed bag of words. Lowercase word tokens, with a few English
 * suffixes stripped (`embeddings`, `embedding` and `embedded` count as one word), are hashed into
 * `dimensions` buckets with a hashed sign, and the vector is L2-normalised. Texts sharing words have a
 * positive dot product; texts sharing none are near 0. A text without words is hashed whole.
 */
export function fakeEmbedding(text: string, dimensions = 64): number[] {
  const vector = new Array<number>(dimensions).fill(0);
  const words = fakeWords(text);
  for (const word of words.length > 0 ? words : [text]) {
    const hash = fnv1a(word);
    const bucket = hash % dimensions;
    vector[bucket] = (vector[bucket] ?? 0) + ((hash >>> 16) & 1 ? 1 : -1);
  }
  const length = Math.hypot(...vector);
  return length === 0 ? vector : vector.map((value) => value / length);
}

/** 32-bit FNV-1a: tiny, stable across runs and platforms. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

function listModels(context: RouteContext): unknown {
  return {
    object: 'list',
    data: context.models.map((id) => ({
      id,
      object: 'model',
      created: 1_700_000_000,
      owned_by: 'quarry-fake',
    })),
  };
}

function createEmbeddings(context: RouteContext): unknown {
  const body = (context.body ?? {}) as Record<string, unknown>;
  const model = requireModel(body.model, context.models);
  const inputs = readInputs(body.input);
  const dimensions = readDimensions(body.dimensions, model, context.defaultDimensions);
  const format = body.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64') {
    throw new OpenAiFault(
      400,
      `'${String(format)}' is not one of ['float', 'base64'] - 'encoding_format'`,
      'invalid_request_error',
      null,
      'encoding_format',
    );
  }
  const tokens = inputs.reduce((sum, input) => sum + Math.max(fakeWords(input).length, 1), 0);
  return {
    object: 'list',
    data: inputs.map((input, index) => {
      const vector = fakeEmbedding(input, dimensions);
      const embedding =
        format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
      return { object: 'embedding', index, embedding };
    }),
    model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}

function requireModel(model: unknown, models: readonly string[]): string {
  if (typeof model !== 'string' || model === '') {
    throw new OpenAiFault(400, 'you must provide a model parameter', 'invalid_request_error');
  }
  // Ollama resolves a name without a tag to `:latest`, and lists it that way.
  if (!models.includes(model) && !models.includes(model.replace(/:latest$/, ''))) {
    throw new OpenAiFault(
      404,
      `The model \`${model}\` does not exist or you do not have access to it.`,
      'invalid_request_error',
      'model_not_found',
    );
  }
  return model;
}

function readInputs(input: unknown): string[] {
  const inputs = typeof input === 'string' ? [input] : input;
  const invalid = new OpenAiFault(
    400,
    "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.",
    'invalid_request_error',
  );
  if (!Array.isArray(inputs) || inputs.length === 0) throw invalid;
  if (inputs.some((item) => typeof item !== 'string' || item === '')) throw invalid;
  if (inputs.length > maxInputs) {
    throw new OpenAiFault(
      400,
      `'$.input' is too long. Maximum length is ${maxInputs}, but was ${inputs.length}.`,
      'invalid_request_error',
      null,
      'input',
    );
  }
  return inputs as string[];
}

function readDimensions(dimensions: unknown, model: string, defaultDimensions: number): number {
  if (dimensions === undefined || dimensions === null) return defaultDimensions;
  if (fixedSizeModels.has(model)) {
    throw new OpenAiFault(400, 'This model does not support specifying dimensions.', 'invalid_request_error');
  }
  if (
    typeof dimensions !== 'number' ||
    !Number.isInteger(dimensions) ||
    dimensions < 1 ||
    dimensions > 3072
  ) {
    throw new OpenAiFault(
      400,
      `Invalid value for 'dimensions' = ${String(dimensions)}. Must be an integer between 1 and 3072.`,
      'invalid_request_error',
      null,
      'dimensions',
    );
  }
  return dimensions;
}

/**
 * Ollama's native model list: the configured ids, a tagless id named `<id>:latest` as Ollama does, with
 * made-up but stable sizes and digests.
 */
function listOllamaTags(context: RouteContext): unknown {
  return {
    models: context.models.map((id) => {
      const name = id.includes(':') ? id : `${id}:latest`;
      const family = id.split(/[:.-]/)[0] ?? id;
      const parameters = /:(\d+(?:\.\d+)?)b\b/i.exec(id)?.[1];
      return {
        name,
        model: name,
        modified_at: '2025-01-01T00:00:00Z',
        size: 100_000_000 + (fnv1a(name) % 5_000_000_000),
        digest: createHash('sha256').update(name).digest('hex'),
        details: {
          parent_model: '',
          format: 'gguf',
          family,
          families: [family],
          parameter_size: parameters === undefined ? '1B' : `${parameters}B`,
          quantization_level: 'Q4_K_M',
        },
      };
    }),
  };
}

function createChatCompletion(context: RouteContext): unknown {
  const body = (context.body ?? {}) as Record<string, unknown>;
  const model = requireModel(body.model, context.models);
  const conversation = readChatMessages(body.messages);
  const maxTokens = readMaxTokens(body);
  const completion = composeFakeCompletion({ model, ...conversation }, context.replier, maxTokens);
  const header = {
    id: `chatcmpl-${randomUUID().replaceAll('-', '').slice(0, 24)}`,
    created: Math.floor(Date.now() / 1000),
    model,
    system_fingerprint: 'fp_quarry_fake',
  };
  if (body.stream === true) {
    const options = (body.stream_options ?? {}) as Record<string, unknown>;
    return new ServerSentEvents(chatChunks(header, completion, options.include_usage === true));
  }
  return {
    ...header,
    object: 'chat.completion',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: completion.text, refusal: null },
        logprobs: null,
        finish_reason: completion.finish,
      },
    ],
    usage: chatUsage(completion),
  };
}

/**
 * The chunks of a streamed completion: the role, the text a few words at a time, the finish reason, and
 * (when asked for) the usage in a last chunk without choices; OpenAI then puts `usage: null` on the others.
 */
function chatChunks(header: object, completion: FakeCompletion, includeUsage: boolean): unknown[] {
  const chunk = (delta: object, finishReason: string | null) => ({
    ...header,
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(includeUsage ? { usage: null } : {}),
  });
  const chunks: unknown[] = [
    chunk({ role: 'assistant', content: '', refusal: null }, null),
    ...completion.deltas.map((content) => chunk({ content }, null)),
    chunk({}, completion.finish),
  ];
  if (includeUsage) {
    chunks.push({ ...header, object: 'chat.completion.chunk', choices: [], usage: chatUsage(completion) });
  }
  return chunks;
}

function chatUsage(completion: FakeCompletion): unknown {
  return {
    prompt_tokens: completion.promptTokens,
    completion_tokens: completion.completionTokens,
    total_tokens: completion.promptTokens + completion.completionTokens,
  };
}

const chatRoles = ['system', 'developer', 'user', 'assistant', 'tool'];

/** The system prompt and the other messages, each content flattened to its text parts. */
function readChatMessages(messages: unknown): { system: string; messages: FakeChatMessage[] } {
  if (messages === undefined) {
    throw new OpenAiFault(
      400,
      "Missing required parameter: 'messages'.",
      'invalid_request_error',
      'missing_required_parameter',
      'messages',
    );
  }
  if (!Array.isArray(messages) || messages.length === 0) {
    throw new OpenAiFault(
      400,
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      'invalid_request_error',
      'empty_array',
      'messages',
    );
  }
  const read = messages.map((message: unknown, index) => {
    const { role, content } = (message ?? {}) as Record<string, unknown>;
    if (typeof role !== 'string' || !chatRoles.includes(role)) {
      throw new OpenAiFault(
        400,
        `Invalid value: '${String(role)}'. Supported values are: 'system', 'assistant', 'user', 'tool', 'function', and 'developer'.`,
        'invalid_request_error',
        'invalid_value',
        `messages[${index}].role`,
      );
    }
    return { role, content: contentText(content) };
  });
  const isSystem = (message: FakeChatMessage) => message.role === 'system' || message.role === 'developer';
  return {
    system: read
      .filter(isSystem)
      .map((message) => message.content)
      .join('\n\n'),
    messages: read.filter((message) => !isSystem(message)),
  };
}

/** A string content as is; an array of parts as its text parts joined (images and files have no text). */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) => (part as { text?: unknown } | null)?.text)
    .filter((text): text is string => typeof text === 'string')
    .join('\n');
}

/** `max_completion_tokens` (what OpenAI's own client sends) wins over the older `max_tokens`. */
function readMaxTokens(body: Record<string, unknown>): number | undefined {
  const param = body.max_completion_tokens == null ? 'max_tokens' : 'max_completion_tokens';
  const value = body[param];
  if (value == null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new OpenAiFault(
      400,
      `Invalid '${param}': integer below minimum value. Expected a value >= 1, but got ${String(value)} instead.`,
      'invalid_request_error',
      'integer_below_min_value',
      param,
    );
  }
  return value;
}

function checkApiKey(request: IncomingMessage, requiredKey: string | undefined): void {
  if (requiredKey === undefined) return;
  const authorization = request.headers.authorization ?? '';
  const presented = authorization.startsWith('Bearer ') ? authorization.slice('Bearer '.length) : '';
  if (presented === requiredKey) return;
  if (presented === '') {
    throw new OpenAiFault(
      401,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
      'invalid_request_error',
    );
  }
  // Like OpenAI, show only the ends of the key that was sent.
  const masked = presented.length > 8 ? `${presented.slice(0, 3)}***${presented.slice(-4)}` : '***';
  throw new OpenAiFault(
    401,
    `Incorrect API key provided: ${masked}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    'invalid_request_error',
    'invalid_api_key',
  );
}

function injectedFault(status: number, retryAfter: number | undefined): OpenAiFault {
  const headers: Record<string, string> =
    retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) };
  if (status === 429) {
    return new OpenAiFault(
      429,
      'Rate limit reached for requests. Please try again shortly.',
      'requests',
      'rate_limit_exceeded',
      null,
      headers,
    );
  }
  if (status >= 500) {
    return new OpenAiFault(
      status,
      'The server had an error while processing your request. Sorry about that!',
      'server_error',
      null,
      null,
      headers,
    );
  }
  return new OpenAiFault(
    status,
    `Injected failure (${status}).`,
    'invalid_request_error',
    null,
    null,
    headers,
  );
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string>,
  truncate: boolean,
) {
  sendBody(
    response,
    status,
    { 'content-type': 'application/json', ...headers },
    JSON.stringify(body),
    truncate,
  );
}

function sendEvents(response: ServerResponse, answer: ServerSentEvents, truncate: boolean): void {
  const lines = [...answer.events.map((event) => JSON.stringify(event)), '[DONE]'];
  sendParts(
    response,
    200,
    { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' },
    lines.map((line) => `data: ${line}\n\n`),
    truncate,
  );
}

function sendError(response: ServerResponse, error: unknown, truncate: boolean): void {
  const fault =
    error instanceof OpenAiFault
      ? error
      : new OpenAiFault(500, 'The fake OpenAI server failed.', 'server_error');
  sendJson(
    response,
    fault.status,
    { error: { message: fault.message, type: fault.type, param: fault.param, code: fault.code } },
    fault.headers,
    truncate,
  );
}
