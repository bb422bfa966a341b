import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { QuarryError } from '../core/errors/index.ts';
import type { Logger } from '../core/ports/logger.ts';

/** The body of every error response: a stable code, one clear sentence, and what to do when known. */
export interface ErrorBody {
  error: { code: string; message: string; hint?: string };
}

/** HTTP status for each Quarry error code: the one place that maps behaviour to the wire. */
const statusByCode: Record<string, ContentfulStatusCode> = {
  validation: 400,
  unsafe_input: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  payload_too_large: 413,
  limit_exceeded: 422,
  rate_limited: 429,
  upstream: 502,
  retryable: 503,
};

/** An error the HTTP layer itself raises (authentication, roles, preconditions), with its own code. */
export class HttpError extends QuarryError {
  readonly status: ContentfulStatusCode;
  readonly headers: Record<string, string>;

  constructor(
    status: ContentfulStatusCode,
    code: string,
    message: string,
    options: { hint?: string; headers?: Record<string, string> } = {},
  ) {
    super(code, message, options.hint === undefined ? {} : { hint: options.hint });
    this.name = 'HttpError';
    this.status = status;
    this.headers = options.headers ?? {};
  }
}

/** Status and body for any thrown value; unknown errors become a 500 that reveals nothing internal. */
export function describeError(error: unknown): { status: ContentfulStatusCode; body: ErrorBody } {
  if (error instanceof HttpError) return { status: error.status, body: bodyOf(error) };
  if (QuarryError.is(error)) return { status: statusByCode[error.code] ?? 500, body: bodyOf(error) };
  if (error instanceof HTTPException) return fromHonoException(error);
  return {
    status: 500,
    body: { error: { code: 'internal', message: 'Something went wrong on the server; it has been logged.' } },
  };
}

/** The app's error handler: one JSON shape for every failure; server faults are logged, client ones not. */
export function handleError(logger: Logger) {
  return (error: unknown, context: Context): Response => {
    const { status, body } = describeError(error);
    if (status >= 500) logger.error({ err: error, path: context.req.path }, 'request failed');
    const headers = error instanceof HttpError ? error.headers : {};
    return context.json(body, status, headers);
  };
}

function bodyOf(error: QuarryError): ErrorBody {
  return { error: { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) } };
}

/** Hono's own exceptions: malformed JSON bodies (400) and oversized bodies (413) among them. */
function fromHonoException(error: HTTPException): { status: ContentfulStatusCode; body: ErrorBody } {
  const status = error.status as ContentfulStatusCode;
  if (status === 413) {
    return {
      status,
      body: { error: { code: 'payload_too_large', message: 'The request body is too large.' } },
    };
  }
  const message = /json/i.test(error.message)
    ? 'The request body is not valid JSON; send a JSON object with Content-Type: application/json.'
    : error.message || 'The request could not be handled.';
  return { status, body: { error: { code: status === 400 ? 'validation' : 'http', message } } };
}
