import type { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { corruptArchiveError } from './corrupt-archive-error.ts';

/**
 * Yields a zip entry's bytes from yauzl's stream and checks them against the CRC-32 in the archive's
 * index, which yauzl leaves to its callers. Read errors and a checksum mismatch become the "corrupt or
 * truncated" `ValidationError`; the mismatch is only known at the end, so the store discards the object.
 */
export async function* readZipBody(
  stream: Readable,
  expectedCrc: number,
  name: string,
): AsyncIterable<Uint8Array> {
  let checksum = 0;
  const chunks = stream[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await chunks.next().catch((error: unknown) => {
        throw corruptArchiveError(error);
      });
      if (next.done) break;
      checksum = crc32(next.value, checksum);
      yield next.value;
    }
  } finally {
    // Destroys yauzl's stream when the store stops early, which releases its hold on the file.
    await chunks.return?.();
  }
  if (checksum !== expectedCrc) {
    throw corruptArchiveError(`the CRC-32 checksum of ${JSON.stringify(name)} does not match`);
  }
}
