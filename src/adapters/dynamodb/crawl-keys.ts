import { createHash } from 'node:crypto';
import { keyLimits } from './dynamodb-items.ts';

/** Marks a sort key made from a hash: no URL used as its own key contains it. */
const hashedMarker = '#sha256:';

/**
 * The sort key of a page: its URL, or, for a URL longer than DynamoDB's 1024 bytes of sort key (or one
 * holding the marker), the start of the URL and its SHA-256. The item keeps the full `url` either way.
 */
export function urlKeyOf(url: string): string {
  if (Buffer.byteLength(url, 'utf8') <= keyLimits.sort && !url.includes(hashedMarker)) return url;
  const digest = createHash('sha256').update(url, 'utf8').digest('hex');
  const start = Buffer.from(url, 'utf8')
    .subarray(0, 800)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  return `${start}${hashedMarker}${digest}`;
}
