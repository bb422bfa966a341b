/** An HTTP error from the Quarry API, carrying the `{error:{code,message}}` body's fields. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterSeconds: number | undefined = undefined,
  ) {
    super(message);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Reads `{error:{code,message}}`; undefined when the body has another shape. */
export function readErrorBody(body: unknown): { code: string; message: string } | undefined {
  if (!isRecord(body) || !isRecord(body.error)) return undefined;
  const { code, message } = body.error;
  if (typeof message !== 'string') return undefined;
  return { code: typeof code === 'string' ? code : 'error', message };
}

/**
 * The message to show for a chat error. The AI SDK transport puts the raw response body of a
 * failed request into the error's message, so a JSON error body is unpacked here.
 */
export function chatErrorMessage(error: Error): string {
  try {
    return readErrorBody(JSON.parse(error.message))?.message ?? error.message;
  } catch {
    return error.message || 'The answer failed.';
  }
}

/** Seconds to wait from a `Retry-After` header (delay seconds or an HTTP date), rounded up. */
export function retryAfterSeconds(header: string | null, now: Date = new Date()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now.getTime()) / 1000));
}
