import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A new random secret of `bytes` random bytes, as base64url text (no padding, safe in URLs and headers). */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** The SHA-256 digest of `text` (as UTF-8), in lower-case hex: what is stored instead of a secret. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * True when the two texts are equal, in a time that does not depend on where they first differ (only on
 * their lengths), so comparing a presented secret's hash leaks nothing about the stored one.
 */
export function equalInConstantTime(left: string, right: string): boolean {
  const leftBytes = Buffer.from(left, 'utf8');
  const rightBytes = Buffer.from(right, 'utf8');
  return leftBytes.length === rightBytes.length && timingSafeEqual(leftBytes, rightBytes);
}
