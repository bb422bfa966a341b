/** Stands in for whatever was left out of a URL. */
const elided = '…';

/** Path segments and query values shorter than this are taken for ordinary words, not secrets. */
const minimumSecretLength = 4;

/**
 * Shows only the scheme, host and port of `url`, followed by `/…` when anything else (userinfo, path,
 * query, fragment) was there: `https://hooks.slack.com/services/T00/B00/XXXX` becomes
 * `https://hooks.slack.com/…`. Webhook URLs carry their secret in those parts, so this is the only
 * form of a URL that errors, logs and adapter names may show. Text that is not a URL is never echoed.
 */
export function describeUrlSafely(url: string): string {
  const parsed = parseUrl(url);
  if (parsed === undefined) return 'an invalid URL';
  // Opaque URLs (`mailto:`, `urn:`) have no host; all of their content may be private.
  if (parsed.host === '') return `${parsed.protocol}${elided}`;
  const origin = `${parsed.protocol}//${parsed.host}`;
  const hasMore =
    parsed.username !== '' ||
    parsed.password !== '' ||
    parsed.pathname !== '/' ||
    parsed.search !== '' ||
    parsed.hash !== '';
  return hasMore ? `${origin}/${elided}` : `${origin}/`;
}

/**
 * Replaces every secret-looking part of `url` (the whole URL, userinfo, path segments, query values and
 * the fragment) that occurs in `text` with `…`. Used on text that may echo a request back, such as an
 * error body or a network error message, before it goes into an error.
 */
export function redactUrlSecrets(text: string, url: string): string {
  const parsed = parseUrl(url);
  const secrets = new Set<string>([url]);
  if (parsed !== undefined) {
    for (const part of urlSecretParts(parsed)) {
      secrets.add(part);
      secrets.add(safeDecode(part));
    }
  }
  // Longest first, so a whole URL is replaced before its pieces.
  const ordered = [...secrets].filter((secret) => secret !== '').sort((a, b) => b.length - a.length);
  let result = text;
  for (const secret of ordered) result = result.split(secret).join(elided);
  return result;
}

/** Userinfo always counts; shorter path segments and query values are words like `api` or `v1`. */
function urlSecretParts(parsed: URL): string[] {
  const pieces = [parsed.pathname, parsed.search, parsed.search.slice(1), parsed.hash.slice(1)];
  pieces.push(...parsed.pathname.split('/'));
  for (const [, value] of parsed.searchParams) pieces.push(value);
  const long = pieces.filter((piece) => piece.length >= minimumSecretLength && piece !== '/');
  return [parsed.username, parsed.password, ...long].filter((part) => part !== '');
}

function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** `decodeURIComponent`, or the text itself when it is not valid percent-encoding. */
export function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** The password inside a connection URL (`postgres://user:secret@host/db`), so it can be redacted. */
export function urlPassword(url: string): string | undefined {
  try {
    const password = new URL(url).password;
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return undefined;
  }
}
