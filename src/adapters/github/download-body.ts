import type { ReadableStream } from 'node:stream/web';
import { RetryableError } from '../../core/errors/index.ts';
import { type GitHubSite, isAbort, scrubToken } from './github-errors.ts';

/**
 * The bytes of a download as an async iterable that reads the response stream directly (no copies, no
 * per-chunk work beyond one read). A connection lost mid-way becomes a `RetryableError`; cancelling the
 * signal propagates the abort; stopping early (`break`) cancels the stream and frees the connection.
 */
export function downloadBody(
  stream: ReadableStream<Uint8Array> | null,
  description: string,
  site: GitHubSite,
  signal: AbortSignal | undefined,
): AsyncIterable<Uint8Array> {
  return {
    [Symbol.asyncIterator]() {
      const reader = stream?.getReader();
      return {
        async next(): Promise<IteratorResult<Uint8Array>> {
          if (!reader) return { done: true, value: undefined };
          try {
            const result = await reader.read();
            return result.done ? { done: true, value: undefined } : { done: false, value: result.value };
          } catch (error) {
            throw isAbort(error, signal) ? error : interrupted(error, description, site);
          }
        },
        async return(): Promise<IteratorResult<Uint8Array>> {
          await reader?.cancel().catch(() => {
            // Already failed or finished: there is nothing left to release.
          });
          return { done: true, value: undefined };
        },
      };
    },
  };
}

function interrupted(error: unknown, description: string, site: GitHubSite): RetryableError {
  // Undici reports a dropped connection as "terminated" and keeps the socket's own reason in `cause`.
  const cause = error instanceof Error ? error.cause : undefined;
  const reason =
    cause instanceof Error ? cause.message : error instanceof Error ? error.message : 'unknown error';
  return new RetryableError(
    `The download of ${description} from ${site.host} was interrupted: ${scrubToken(reason, site)}.`,
    { cause: error, hint: 'Try the sync again; the download starts over.' },
  );
}
