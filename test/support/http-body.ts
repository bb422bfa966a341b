import type { IncomingMessage, Server, ServerResponse } from 'node:http';

/** Reads a request's whole body as UTF-8 text (test servers only: bodies are small). */
export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The JSON value of a body (or its raw text, with `json: false`, when it does not parse). */
export function parseBody(text: string): { body: unknown; json: boolean } {
  if (text === '') return { body: undefined, json: true };
  try {
    return { body: JSON.parse(text) as unknown, json: true };
  } catch {
    return { body: text, json: false };
  }
}

/** An injected error answer: its status and, for fakes that send one, a `Retry-After` in seconds. */
export interface InjectedFailure {
  status: number;
  retryAfter: number | undefined;
}

/**
 * The failures a fake was told to inject into its next requests. Each kind counts down on its own, and
 * a request takes at most one: a failure first, then a hang, then a truncation.
 */
export class InjectedFaults {
  private failures = { remaining: 0, status: 500, retryAfter: undefined as number | undefined };
  private hangs = 0;
  private truncations = 0;

  /** The next `times` requests get `status` (and `Retry-After: retryAfter` when given). */
  failNext(status: number, times = 1, retryAfter?: number): void {
    this.failures = { remaining: times, status, retryAfter };
  }

  /** The next `times` requests are read and never answered. */
  hangNext(times = 1): void {
    this.hangs = times;
  }

  /** The next `times` answers are cut off part way, and their connection destroyed. */
  truncateNext(times = 1): void {
    this.truncations = times;
  }

  /** The failure for this request, if one is due (and counts it). */
  takeFailure(): InjectedFailure | undefined {
    if (this.failures.remaining <= 0) return undefined;
    this.failures.remaining -= 1;
    return { status: this.failures.status, retryAfter: this.failures.retryAfter };
  }

  /** Whether this request should hang (and counts it). */
  takeHang(): boolean {
    if (this.hangs <= 0) return false;
    this.hangs -= 1;
    return true;
  }

  /** Whether this answer should be cut off (and counts it). */
  takeTruncation(): boolean {
    if (this.truncations <= 0) return false;
    this.truncations -= 1;
    return true;
  }
}

/**
 * Time between the last bytes of a cut-off answer and the socket's destruction. Without it the client can
 * see the reset before it has read the bytes, and a test could not tell "cut mid-way" from "never sent".
 */
const cutDelayMs = 30;

/**
 * Sends `status`, `headers` and `parts` (SSE lines or event-stream frames), each as its own write so the
 * client sees them arrive one by one. With `truncate`, only the first one or two parts go out (never the
 * last), then the connection is destroyed, as when a proxy or the model server dies mid-answer.
 */
export function sendParts(
  response: ServerResponse,
  status: number,
  headers: Record<string, string>,
  parts: ReadonlyArray<string | Uint8Array>,
  truncate: boolean,
): void {
  response.writeHead(status, headers);
  if (!truncate) {
    for (const part of parts) response.write(part);
    response.end();
    return;
  }
  const kept = parts.slice(0, Math.min(2, parts.length - 1));
  for (const part of kept) response.write(part);
  // An empty write still calls back once everything before it is flushed to the socket.
  response.write('', () => setTimeout(() => response.destroy(), cutDelayMs));
}

/** Sends a complete body, or with `truncate` its first half and then destroys the connection. */
export function sendBody(
  response: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string,
  truncate: boolean,
): void {
  if (!truncate) {
    response.writeHead(status, headers);
    response.end(body);
    return;
  }
  const bytes = Buffer.from(body, 'utf8');
  sendParts(response, status, headers, [bytes.subarray(0, Math.floor(bytes.length / 2)), bytes], true);
}

/** Closes a loopback server at once, cutting open (also deliberately hung) connections. */
export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
