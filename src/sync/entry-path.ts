import { UnsafeInputError } from '../core/errors/index.ts';

/** The hint of every error about a dangerous archive entry. */
export const tamperingHint = 'The archive may have been tampered with; check the release before trusting it.';

/**
 * Turns an archive entry's raw path into clean `/`-separated segments (dropping `./`, empty segments
 * and a trailing `/`). Throws `UnsafeInputError` for a path that is absolute, has a `..` segment, a
 * backslash or a NUL byte, so no entry can land outside the staging prefix. May return `''` (the
 * archive's own top folder, as in `./`).
 */
export function normaliseEntryPath(rawPath: string): string {
  if (rawPath.includes('\0') || rawPath.includes('\\')) {
    throw new UnsafeInputError(
      `The archive entry ${quote(rawPath)} has a backslash or NUL byte in its name; the release was rejected.`,
      { hint: tamperingHint },
    );
  }
  const segments = rawPath.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (isAbsolute(rawPath) || segments.includes('..')) {
    throw new UnsafeInputError(
      `The archive entry ${quote(rawPath)} escapes the release folder; the release was rejected.`,
      {
        hint: tamperingHint,
      },
    );
  }
  return segments.join('/');
}

/**
 * True when a link stored at `entryPath` (already normalised) would point outside `rootFolder`, or
 * outside the archive when there is no root folder. Symbolic links resolve from their own folder, hard
 * links from the top of the archive.
 */
export function linkTargetEscapes(
  entryPath: string,
  target: string,
  kind: 'symbolic-link' | 'hard-link',
  rootFolder: string | null,
): boolean {
  if (isAbsolute(target) || target.includes('\\')) return true;
  const resolved = kind === 'symbolic-link' ? entryPath.split('/').slice(0, -1) : [];
  const floor = rootFolder === null ? 0 : 1;
  for (const segment of target.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment !== '..') {
      resolved.push(segment);
    } else if (resolved.length <= floor) {
      return true;
    } else {
      resolved.pop();
    }
  }
  return rootFolder !== null && resolved[0] !== rootFolder;
}

function isAbsolute(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:/.test(path);
}

function quote(path: string): string {
  return JSON.stringify(path.length > 200 ? `${path.slice(0, 197)}...` : path);
}
