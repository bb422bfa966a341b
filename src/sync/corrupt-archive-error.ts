import { ValidationError } from '../core/errors/index.ts';

/** The `ValidationError` for an archive that cannot be read: "The archive is corrupt or truncated: …". */
export function corruptArchiveError(cause: unknown): ValidationError {
  const reason = typeof cause === 'string' ? cause : cause instanceof Error ? cause.message : String(cause);
  return new ValidationError(`The archive is corrupt or truncated: ${reason.replace(/\.$/, '')}.`, {
    hint: 'Download the release again; if it stays broken, report it to the maintainers of the repository.',
    ...(typeof cause === 'string' ? {} : { cause }),
  });
}
