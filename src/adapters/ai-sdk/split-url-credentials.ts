/** A base URL without userinfo, and that userinfo as HTTP Basic credentials. */
export interface SplitUrl {
  /** The URL without userinfo or trailing slashes. */
  url: string;
  /** Base64 `user:password`, when the URL carried userinfo. */
  basic?: string;
  /** The decoded password, so it can be redacted from errors. */
  password?: string;
}

/**
 * Splits `user:password@` off a validated http(s) URL: fetch refuses URLs with credentials, and a proxy
 * with Basic authentication in front of a model server is common.
 */
export function splitUrlCredentials(baseUrl: string): SplitUrl {
  const parsed = new URL(baseUrl);
  if (parsed.username === '' && parsed.password === '') return { url: parsed.href.replace(/\/+$/, '') };
  const username = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  return {
    url: parsed.href.replace(/\/+$/, ''),
    basic: Buffer.from(`${username}:${password}`, 'utf8').toString('base64'),
    password,
  };
}
