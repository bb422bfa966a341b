import { splitUrlCredentials } from '../ai-sdk/split-url-credentials.ts';

/** Options of {@link listOllamaModels} and {@link listOpenAiModels}. */
export interface ListServerModelsOptions {
  fetch?: typeof fetch;
  /** The whole request (connect, answer, body) must finish within this. Default 3000. */
  timeoutMs?: number;
}

/** One model Ollama has pulled, from `GET /api/tags`. */
export interface OllamaModel {
  /** The name to pass as a model id, e.g. `qwen2.5-coder:7b` or `llama3.2:latest`. */
  name: string;
  sizeBytes?: number;
  /** e.g. `7.6B`. */
  parameterSize?: string;
  /** e.g. `Q4_K_M`. */
  quantizationLevel?: string;
}

/** Why a server listed nothing: nobody answered, the answer was a refusal, or it was not understood. */
export type ServerFailure =
  | { ok: false; reason: 'unreachable'; detail: string }
  | { ok: false; reason: 'rejected'; status: number; detail: string }
  | { ok: false; reason: 'invalid-answer'; detail: string };

/**
 * The outcome of {@link listOllamaModels}: the pulled models, or why there are none. `not-ollama` means a
 * server answered 404 at `/api/tags`: something listens there (vLLM, LM Studio, a proxy), but not Ollama.
 */
export type OllamaListing =
  | { ok: true; models: OllamaModel[] }
  | { ok: false; reason: 'not-ollama'; detail: string }
  | ServerFailure;

/** The outcome of {@link listOpenAiModels}; `no-listing` is a 404 at `/models`. */
export type OpenAiListing =
  | { ok: true; models: string[] }
  | { ok: false; reason: 'no-listing'; detail: string }
  | ServerFailure;

/**
 * The root of the server behind an OpenAI-compatible base URL: `http://host:11434/v1` becomes
 * `http://host:11434`, because Ollama serves its own API (`/api/tags`) beside `/v1`, not under it.
 * Userinfo is kept (it is credentials for a proxy in front of the server).
 */
export function ollamaRootUrl(baseURL: string): string {
  return baseURL.replace(/\/+$/, '').replace(/\/v1$/i, '');
}

/** Options of {@link listOllamaModels}. */
export interface ListOllamaModelsOptions extends ListServerModelsOptions {
  /** Sent as a bearer token, for an Ollama behind an authenticating proxy. */
  apiKey?: string;
}

/**
 * Lists the models an Ollama server has pulled (`GET <root>/api/tags`, the root derived with
 * {@link ollamaRootUrl}). Never throws for a network problem or an unexpected answer: connection refused,
 * DNS failure and timeout are `unreachable`, a 404 is `not-ollama`, other statuses are `rejected`. Details
 * never contain the URL's userinfo or path.
 */
export async function listOllamaModels(
  baseURL: string,
  options: ListOllamaModelsOptions = {},
): Promise<OllamaListing> {
  const headers: Record<string, string> =
    options.apiKey === undefined ? {} : { authorization: `Bearer ${options.apiKey}` };
  const answer = await getJson(`${ollamaRootUrl(baseURL)}/api/tags`, headers, options);
  if (!answer.ok) {
    return answer.reason === 'rejected' && answer.status === 404
      ? { ok: false, reason: 'not-ollama', detail: 'the server answered 404 at /api/tags: not Ollama' }
      : answer;
  }
  const models = (answer.body as { models?: unknown } | null)?.models;
  if (!Array.isArray(models)) return invalidAnswer('/api/tags');
  return { ok: true, models: models.flatMap(toOllamaModel) };
}

/**
 * Lists the model ids an OpenAI-compatible server offers (`GET <baseURL>/models`), sending `apiKey` as a
 * bearer token, or the URL's userinfo as Basic credentials. Never throws for a network problem or an
 * unexpected answer (see {@link OpenAiListing}); a 404 is `no-listing`.
 */
export async function listOpenAiModels(
  baseURL: string,
  apiKey: string | undefined,
  options: ListServerModelsOptions = {},
): Promise<OpenAiListing> {
  const headers: Record<string, string> = apiKey === undefined ? {} : { authorization: `Bearer ${apiKey}` };
  const answer = await getJson(`${baseURL.replace(/\/+$/, '')}/models`, headers, options);
  if (!answer.ok) {
    return answer.reason === 'rejected' && answer.status === 404
      ? { ok: false, reason: 'no-listing', detail: 'the server answered 404 at /models' }
      : answer;
  }
  const data = (answer.body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) return invalidAnswer('/models');
  return {
    ok: true,
    models: data.flatMap((item: { id?: unknown }) => (typeof item?.id === 'string' ? [item.id] : [])),
  };
}

function toOllamaModel(item: unknown): OllamaModel[] {
  const { name, size, details } = (item ?? {}) as { name?: unknown; size?: unknown; details?: unknown };
  if (typeof name !== 'string' || name === '') return [];
  const { parameter_size: parameterSize, quantization_level: quantizationLevel } = (details ?? {}) as {
    parameter_size?: unknown;
    quantization_level?: unknown;
  };
  return [
    {
      name,
      ...(typeof size === 'number' ? { sizeBytes: size } : {}),
      ...(typeof parameterSize === 'string' && parameterSize ? { parameterSize } : {}),
      ...(typeof quantizationLevel === 'string' && quantizationLevel ? { quantizationLevel } : {}),
    },
  ];
}

function invalidAnswer(where: string): ServerFailure {
  return { ok: false, reason: 'invalid-answer', detail: `the answer at ${where} is not the expected JSON` };
}

/** A parsed JSON body, or why there is none. */
type JsonAnswer = { ok: true; body: unknown } | ServerFailure;

async function getJson(
  url: string,
  headers: Record<string, string>,
  options: ListServerModelsOptions,
): Promise<JsonAnswer> {
  const timeoutMs = options.timeoutMs ?? 3000;
  if (!URL.canParse(url))
    return { ok: false, reason: 'unreachable', detail: 'the base URL is not a valid URL' };
  const { url: target, basic } = splitUrlCredentials(url);
  const authorization = basic === undefined ? {} : { authorization: `Basic ${basic}` };
  try {
    const response = await (options.fetch ?? globalThis.fetch)(target, {
      // An API key wins over the URL's userinfo, as it does for model calls.
      headers: { accept: 'application/json', ...authorization, ...headers },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      const detail = `the server answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
      return { ok: false, reason: 'rejected', status: response.status, detail };
    }
    const text = await response.text();
    try {
      return { ok: true, body: JSON.parse(text) };
    } catch {
      return { ok: false, reason: 'invalid-answer', detail: 'the server did not answer with JSON' };
    }
  } catch (error) {
    return { ok: false, reason: 'unreachable', detail: describeNetworkError(error, timeoutMs) };
  }
}

/**
 * A short reason for a failed request, without the URL: undici reports "fetch failed" and keeps the
 * socket error (ECONNREFUSED, ENOTFOUND…) in `cause`; a timeout is an abort with a `TimeoutError`.
 */
function describeNetworkError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `no answer within ${formatSeconds(timeoutMs)}`;
  }
  const cause = error instanceof Error ? error.cause : undefined;
  const code = (cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? `could not connect (${code})` : 'could not connect';
}

function formatSeconds(milliseconds: number): string {
  return milliseconds % 1000 === 0 ? `${milliseconds / 1000} s` : `${milliseconds} ms`;
}
