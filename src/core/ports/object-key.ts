import { UnsafeInputError } from '../errors/index.ts';

/**
 * Throws `UnsafeInputError` unless `key` is a safe object key: relative, `/`-separated, with no empty,
 * `.` or `..` segments and no NUL or backslash. Adapters call it before touching storage, so no key can
 * ever address anything outside the store's root.
 */
export function assertObjectKey(key: string): void {
  if (key.length === 0) throw new UnsafeInputError('An object key must not be empty.');
  if (key.length > 1024)
    throw new UnsafeInputError(`The object key ${preview(key)} is longer than 1024 characters.`);
  if (key.includes('\0') || key.includes('\\')) {
    throw new UnsafeInputError(`The object key ${preview(key)} contains a NUL byte or a backslash.`);
  }
  if (key.startsWith('/'))
    throw new UnsafeInputError(`The object key ${preview(key)} must not start with "/".`);
  for (const segment of key.split('/')) {
    if (segment === '' || segment === '.' || segment === '..') {
      throw new UnsafeInputError(`The object key ${preview(key)} has an empty, "." or ".." segment.`);
    }
  }
}

/** Like {@link assertObjectKey} for a prefix: empty (the root) or a key followed by `/`. */
export function assertObjectPrefix(prefix: string): void {
  if (prefix === '') return;
  if (!prefix.endsWith('/')) throw new UnsafeInputError(`The prefix ${preview(prefix)} must end with "/".`);
  assertObjectKey(prefix.slice(0, -1));
}

function preview(key: string): string {
  return JSON.stringify(key.length > 80 ? `${key.slice(0, 77)}...` : key);
}

/**
 * Checks the two prefixes of a move: both valid, non-empty (a move of the whole store is refused), and
 * neither inside the other (moving `a/` to `a/b/` would move objects into their own source).
 */
export function assertDistinctPrefixes(fromPrefix: string, toPrefix: string): void {
  assertObjectPrefix(fromPrefix);
  assertObjectPrefix(toPrefix);
  if (fromPrefix === '' || toPrefix === '') {
    throw new UnsafeInputError('Cannot move the whole store: both prefixes of a move must be non-empty.');
  }
  if (fromPrefix.startsWith(toPrefix) || toPrefix.startsWith(fromPrefix)) {
    throw new UnsafeInputError(`Cannot move ${fromPrefix} to ${toPrefix}: one prefix contains the other.`);
  }
}

/** Checks a prefix for `deletePrefix`: valid and non-empty, so one call can never empty the whole store. */
export function assertDeletablePrefix(prefix: string): void {
  assertObjectPrefix(prefix);
  if (prefix === '') {
    throw new UnsafeInputError('Refusing to delete every object in the store: the prefix is empty.', {
      hint: 'Pass the prefix to delete, ending with "/".',
    });
  }
}
