import { UnsafeInputError } from '../core/errors/index.ts';
import { corruptArchiveError } from './corrupt-archive-error.ts';
import { normaliseEntryPath, tamperingHint } from './entry-path.ts';

/** yauzl's messages for entry names it refuses (see its `validateFileName`). */
const unsafeNamePattern = /^(?:invalid characters in fileName|absolute path|invalid relative path): (.*)$/s;

/**
 * Translates a yauzl error: a refused entry name becomes the same `UnsafeInputError` a tar entry with
 * that name gets; anything else means the zip is corrupt or truncated (`ValidationError`).
 */
export function zipError(error: Error): Error {
  const unsafeName = unsafeNamePattern.exec(error.message)?.[1];
  if (unsafeName === undefined) return corruptArchiveError(error);
  try {
    normaliseEntryPath(unsafeName);
  } catch (unsafe) {
    return unsafe as Error;
  }
  return new UnsafeInputError(
    `The archive entry ${JSON.stringify(unsafeName)} has an unsafe name; the release was rejected.`,
    {
      hint: tamperingHint,
      cause: error,
    },
  );
}
