import { APICallError } from 'ai';
import type { Redactor } from '../../core/redact.ts';

/**
 * A copy of a model call's error with the adapter's secrets removed from its text. A server that echoes
 * the API key, or a request URL carrying a token, would otherwise put it into messages and logs. Status,
 * headers and `isRetryable` are kept so the AI SDK still retries and honours `Retry-After`; aborts and
 * timeouts pass through unchanged so callers can still recognise them.
 */
export function redactModelError(error: unknown, redact: Redactor): unknown {
  if (APICallError.isInstance(error)) {
    // The request body (the texts) and the raw cause are left out: they are large and may echo secrets.
    return new APICallError({
      message: redact(error.message),
      url: redact(error.url),
      requestBodyValues: undefined,
      isRetryable: error.isRetryable,
      ...(error.statusCode === undefined ? {} : { statusCode: error.statusCode }),
      ...(error.responseHeaders === undefined ? {} : { responseHeaders: error.responseHeaders }),
      ...(error.responseBody === undefined ? {} : { responseBody: redact(error.responseBody) }),
    });
  }
  if (!(error instanceof Error) || error.name === 'AbortError' || error.name === 'TimeoutError') return error;
  const safe = new Error(redact(error.message));
  safe.name = error.name;
  return safe;
}
