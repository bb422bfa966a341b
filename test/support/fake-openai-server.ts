import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseBody, readBody } from './http-body.ts';

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
  /** Model ids listed by `GET /v1/models` and accepted by the endpoints. Default {@link defaultFakeModels}. */
  models?: string[];
  /** Vector size when a request names no `dimensions`. Default 64. */
  defaultDimensions?: number;
}

/** A running fake; see {@link startFakeOpenAiServer}. */
export interface FakeOpenAiServer {
  /** Base URL ending in `/v1`, for an OpenAI-compatible client's `baseURL`. */
  url: string;
  requests: FakeOpenAiRequest[];
  /**
   * Answers the next `times` requests (default 1) with `status` and OpenAI's error body; `retryAfter`
   * (seconds) adds a `Retry-After` header, which the AI SDK honours (pass 0 to make retries instant).
   */
  failNext(status: number, times?: number, retryAfter?: number): void;
  close(): Promise<void>;
}

/** Models the fake knows unless told otherwise. */
export const defaultFakeModels: readonly string[] = [
  'text-embedding-3-small',
  'text-embedding-3-large',
  'text-embedding-ada-002',
  'nomic-embed-text',
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

/** What the fake knows while answering one request. */
interface RouteContext {
  body: unknown;
  models: readonly string[];
  defaultDimensions: number;
}

/** A route answers with a JSON body (status 200) or throws an {@link OpenAiFault}. */
interface Route {
  method: 'GET' | 'POST';
  path: string;
  handle(context: RouteContext): unknown;
}

/** The endpoints, one line each; a chat-completions route slots in here. */
const routes: readonly Route[] = [
  { method: 'GET', path: '/v1/models', handle: listModels },
  { method: 'POST', path: '/v1/embeddings', handle: createEmbeddings },
];

/**
 * A loopback stand-in for an OpenAI-compatible server (OpenAI, Ollama, vLLM, LM Studio) speaking the
 * real wire format: `POST /v1/embeddings` with `{ input, model, dimensions?, encoding_format? }` and
 * `GET /v1/models`, with OpenAI's error bodies and status codes. Its vectors come from
 * {@link fakeEmbedding}: deterministic, and closer for texts that share words. Every request is recorded,
 * including those answered with an injected failure.
 */
export async function startFakeOpenAiServer(options: FakeOpenAiOptions = {}): Promise<FakeOpenAiServer> {
  const requests: FakeOpenAiRequest[] = [];
  const failures = { remaining: 0, status: 500, retryAfter: undefined as number | undefined };
  const models = options.models ?? defaultFakeModels;
  const defaultDimensions = options.defaultDimensions ?? 64;
  const server = createServer((request, response) => {
    readBody(request)
      .then((text) => {
        const path = new URL(request.url ?? '/', 'http://fake').pathname;
        const { body, json } = parseBody(text);
        requests.push({ method: request.method ?? 'GET', path, headers: request.headers, body });
        if (failures.remaining > 0) {
          failures.remaining -= 1;
          throw injectedFault(failures.status, failures.retryAfter);
        }
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
        sendJson(response, 200, route.handle({ body, models, defaultDimensions }));
      })
      .catch((error: unknown) => sendError(response, error));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    failNext(status: number, times = 1, retryAfter?: number) {
      failures.remaining = times;
      failures.status = status;
      failures.retryAfter = retryAfter;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
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

/** The word tokens {@link fakeEmbedding} counts (also the fake's token usage). */
export function fakeWords(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).map(stem);
}

const suffixes = ['ings', 'ing', 'edly', 'ed', 'es', 's'];

function stem(word: string): string {
  for (const suffix of suffixes) {
    if (!word.endsWith(suffix) || word.length - suffix.length < 3) continue;
    if (suffix === 's' && word.endsWith('ss')) return word;
    return word.slice(0, -suffix.length);
  }
  return word;
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
  if (!models.includes(model)) {
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
  headers: Record<string, string> = {},
) {
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

function sendError(response: ServerResponse, error: unknown): void {
  const fault =
    error instanceof OpenAiFault
      ? error
      : new OpenAiFault(500, 'The fake OpenAI server failed.', 'server_error');
  sendJson(
    response,
    fault.status,
    { error: { message: fault.message, type: fault.type, param: fault.param, code: fault.code } },
    fault.headers,
  );
}
