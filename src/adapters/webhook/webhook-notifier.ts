import packageJson from '../../../package.json' with { type: 'json' };
import { RetryableError, UpstreamError, ValidationError } from '../../core/errors/index.ts';
import type { Notifier, QuarryEvent } from '../../core/ports/notifier.ts';
import { describeUrlSafely, redactUrlSecrets } from '../../core/safe-url.ts';

/** Options of {@link createWebhookNotifier}. */
export interface WebhookNotifierOptions {
  /** Where to POST; may carry a secret in userinfo, path or query (it is never shown). */
  url: string;
  fetch?: typeof fetch;
  /** Per attempt, covering connection, headers and body. Default 10 000. */
  timeoutMs?: number;
  /** Extra attempts after the first for 5xx, 429, network errors and timeouts. Default 3. */
  retries?: number;
  /** Waits between attempts; tests pass one that returns at once. */
  sleep?: (ms: number) => Promise<void>;
  /** Default `quarry/<version>`. */
  userAgent?: string;
}

/** First wait between attempts; it doubles each time. */
const baseDelayMs = 500;
/** No wait, neither backoff nor a server's `Retry-After`, is longer than this. */
const maxDelayMs = 30_000;
/** How much of an error body goes into an error message. */
const maxBodyPreview = 200;

type AttemptOutcome =
  | { kind: 'delivered' }
  | { kind: 'rejected'; status: number; detail: string }
  | { kind: 'transient'; reason: string; retryAfterMs: number | undefined; cause?: Error };

interface Target {
  /** What is fetched: the configured URL without userinfo. */
  url: string;
  safeUrl: string;
  /** Removes the URL's secrets and the Authorization value from text a server or socket produced. */
  redact: (text: string) => string;
  headers: Record<string, string>;
  fetch: typeof fetch;
  timeoutMs: number;
}

/**
 * A `Notifier` that POSTs each event as JSON to a URL (Slack/Teams/Discord-style incoming webhooks,
 * or any HTTP endpoint). A 2xx answer means delivered. 5xx, 429, network errors and timeouts are
 * retried with exponential backoff (honouring `Retry-After` in seconds, capped) and end in a
 * `RetryableError`; any other answer is an `UpstreamError` at once. Userinfo in the URL is sent as
 * Basic authentication. The adapter's name and errors show only the URL's scheme, host and port.
 */
export function createWebhookNotifier(options: WebhookNotifierOptions): Notifier {
  const target = createTarget(options);
  const retries = options.retries ?? 3;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const name = `webhook ${target.safeUrl}`;
  return {
    name,
    async notify(event: QuarryEvent): Promise<void> {
      const body = JSON.stringify(event);
      for (let attempt = 0; ; attempt += 1) {
        const outcome = await attemptDelivery(target, body);
        if (outcome.kind === 'delivered') return;
        if (outcome.kind === 'rejected') throw rejectedError(target.safeUrl, outcome);
        if (attempt >= retries) throw transientError(target.safeUrl, outcome, attempt + 1);
        await sleep(retryDelay(attempt, outcome.retryAfterMs));
      }
    },
  };
}

function createTarget(options: WebhookNotifierOptions): Target {
  const safeUrl = describeUrlSafely(options.url);
  let parsed: URL;
  try {
    parsed = new URL(options.url);
  } catch {
    throw new ValidationError('A webhook URL is not a valid URL.', {
      hint: 'Check notify.webhooks: each entry must be a full http:// or https:// URL.',
    });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ValidationError(`The webhook ${safeUrl} does not use http or https.`, {
      hint: 'Check notify.webhooks: each entry must be a full http:// or https:// URL.',
    });
  }
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json, text/plain;q=0.9, */*;q=0.1',
    'user-agent': options.userAgent ?? `quarry/${packageJson.version}`,
  };
  // fetch refuses URLs with credentials, so userinfo moves into an Authorization header.
  let basic = '';
  if (parsed.username !== '' || parsed.password !== '') {
    const credentials = `${decodeUserinfo(parsed.username)}:${decodeUserinfo(parsed.password)}`;
    basic = Buffer.from(credentials, 'utf8').toString('base64');
    headers.authorization = `Basic ${basic}`;
    parsed.username = '';
    parsed.password = '';
  }
  const redact = (text: string): string => {
    const redacted = redactUrlSecrets(text, options.url);
    return basic === '' ? redacted : redacted.split(basic).join('…');
  };
  return {
    url: parsed.href,
    safeUrl,
    redact,
    headers,
    fetch: options.fetch ?? globalThis.fetch,
    timeoutMs: options.timeoutMs ?? 10_000,
  };
}

function decodeUserinfo(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

async function attemptDelivery(target: Target, body: string): Promise<AttemptOutcome> {
  const signal = AbortSignal.timeout(target.timeoutMs);
  try {
    const response = await target.fetch(target.url, {
      method: 'POST',
      headers: target.headers,
      body,
      signal,
      // A redirect could turn the POST into a GET or leak the event elsewhere; report it instead.
      redirect: 'manual',
    });
    if (response.status >= 200 && response.status < 300) {
      await response.body?.cancel().catch(() => {});
      return { kind: 'delivered' };
    }
    const detail = target.redact(await readPreview(response));
    if (response.status === 429 || response.status >= 500) {
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      return { kind: 'transient', reason: `answered ${describeStatus(response, detail)}`, retryAfterMs };
    }
    return { kind: 'rejected', status: response.status, detail: describeStatus(response, detail) };
  } catch (error) {
    return { kind: 'transient', retryAfterMs: undefined, ...describeFailure(error, target) };
  }
}

async function readPreview(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > maxBodyPreview ? `${oneLine.slice(0, maxBodyPreview)}…` : oneLine;
}

function describeStatus(response: Response, detail: string): string {
  const status = `${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  return detail === '' ? status : `${status} (${detail})`;
}

function describeFailure(error: unknown, target: Target): { reason: string; cause: Error } {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    const reason = `did not answer within ${target.timeoutMs} ms`;
    return { reason, cause: new Error(reason) };
  }
  // undici hides the socket error (ECONNREFUSED, ENOTFOUND...) in `cause`.
  const inner = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = (inner as { code?: unknown } | undefined)?.code;
  const text = target.redact(inner instanceof Error ? inner.message : String(inner));
  const reason = `could not be reached${typeof code === 'string' ? ` (${code})` : ''}`;
  return { reason, cause: new Error(text) };
}

/** `Retry-After` in seconds; HTTP dates and nonsense fall back to our own backoff. */
function parseRetryAfter(value: string | null): number | undefined {
  if (value === null || !/^\s*\d+\s*$/.test(value)) return undefined;
  return Number(value.trim()) * 1000;
}

function retryDelay(attempt: number, retryAfterMs: number | undefined): number {
  return Math.min(retryAfterMs ?? baseDelayMs * 2 ** attempt, maxDelayMs);
}

function rejectedError(safeUrl: string, outcome: { status: number; detail: string }): UpstreamError {
  const hint =
    outcome.status === 401 || outcome.status === 403 || outcome.status === 404 || outcome.status === 410
      ? 'The webhook URL may be wrong, expired or revoked; create a new one and update notify.webhooks.'
      : 'Check that the webhook accepts a JSON POST of Quarry events; it was not retried.';
  return new UpstreamError(`The webhook ${safeUrl} rejected the event: it answered ${outcome.detail}.`, {
    hint,
  });
}

function transientError(
  safeUrl: string,
  outcome: Extract<AttemptOutcome, { kind: 'transient' }>,
  attempts: number,
): RetryableError {
  const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
  return new RetryableError(`The webhook ${safeUrl} ${outcome.reason} after ${tries}.`, {
    hint: 'The receiving service may be down or overloaded; check its status and try again later.',
    ...(outcome.cause === undefined ? {} : { cause: outcome.cause }),
    ...(outcome.retryAfterMs === undefined ? {} : { retryAfterMs: outcome.retryAfterMs }),
  });
}
