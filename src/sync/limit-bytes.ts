import { formatByteSize } from '../core/byte-size.ts';
import { LimitExceededError } from '../core/errors/index.ts';

/**
 * Passes `source` through unchanged, but throws `LimitExceededError(limitName)` as soon as more than
 * `maxBytes` have flowed, before the chunk that crosses the limit is handed on. Stopping the iteration
 * also stops the source (its `return` is called), so an oversized download is abandoned, not drained.
 */
export async function* limitBytes(
  source: AsyncIterable<Uint8Array>,
  maxBytes: number,
  limitName: string,
): AsyncIterable<Uint8Array> {
  let total = 0;
  for await (const chunk of source) {
    total += chunk.byteLength;
    if (total > maxBytes) {
      throw new LimitExceededError(
        limitName,
        `The download is larger than ${limitName} (${formatByteSize(maxBytes)}); it was stopped after ${formatByteSize(total)}.`,
        { hint: `Raise ${limitName} in quarry.config.yaml if this release is expected to be this large.` },
      );
    }
    yield chunk;
  }
}
