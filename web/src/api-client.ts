import { ApiError, readErrorBody, retryAfterSeconds } from './api-error.ts';

let unauthorizedHandler: () => void = () => {};

/** Sets what happens when any request answers 401 (the app shows the login page). */
export function setUnauthorizedHandler(handler: () => void): void {
  unauthorizedHandler = handler;
}

/** Options of {@link apiRequest}. */
export interface ApiRequestOptions {
  method?: string;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /** When true, a 401 is an expected answer (login, session check) and does not sign out. */
  expectUnauthorized?: boolean;
  signal?: AbortSignal;
}

/**
 * `fetch` with the session cookie that signs out on 401. Used directly by the chat transport,
 * which reads the error body itself.
 */
export const sessionFetch: typeof fetch = async (input, init) => {
  const response = await fetch(input, { ...init, credentials: 'same-origin' });
  if (response.status === 401) unauthorizedHandler();
  return response;
};

/** Sends a request to the API and throws an {@link ApiError} for any non-2xx answer. */
export async function apiRequest(path: string, options: ApiRequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  const init: RequestInit = { method: options.method ?? 'GET', headers, credentials: 'same-origin' };
  if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  if (options.signal) init.signal = options.signal;
  const response = await fetch(path, init);
  if (response.ok) return response;
  if (response.status === 401 && !options.expectUnauthorized) unauthorizedHandler();
  throw await toApiError(response);
}

/** Sends a request and parses the JSON answer as `T` (the server's documented shape). */
export async function apiJson<T>(path: string, options: ApiRequestOptions = {}): Promise<T> {
  const response = await apiRequest(path, options);
  return (await response.json()) as T;
}

async function toApiError(response: Response): Promise<ApiError> {
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const error = readErrorBody(body);
  const message = error?.message ?? plainErrorText(text) ?? `Request failed with status ${response.status}.`;
  const wait = retryAfterSeconds(response.headers.get('retry-after'));
  return new ApiError(response.status, error?.code ?? 'http_error', message, wait);
}

// A proxy's short plain-text error is worth showing; an HTML error page is not.
function plainErrorText(text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '' || trimmed.startsWith('<') || trimmed.length > 300) return undefined;
  return trimmed;
}

/** The message to show for an error thrown by a request. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Whether the error is an abort (the component went away or the user cancelled). */
export function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}
