/** One file offered to the indexer, from a synced release or a local folder. */
export interface SourceFile {
  /** Path inside its source, forward slashes, no leading slash. */
  path: string;
  /** Size in bytes as listed (checked against the file-size limit before reading). */
  size: number;
  /** Reads the whole file; a file gone since it was listed rejects with a `NotFoundError`. */
  read(): Promise<Uint8Array>;
}

/** Collects a stream into one buffer (files are read only once they are known to be under the size limit). */
export async function collectBytes(stream: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const part of stream) {
    parts.push(part);
    total += part.byteLength;
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.byteLength;
  }
  return bytes;
}
