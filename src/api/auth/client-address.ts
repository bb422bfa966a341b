import type { Context } from 'hono';

/**
 * The address a request came from, for rate limiting: the socket's peer under Node, the source IP API
 * Gateway saw under Lambda. Behind `trustedProxies` reverse proxies (each appending to
 * `X-Forwarded-For`), the address the outermost trusted proxy saw instead; the header is never read
 * otherwise, since any client can set it.
 */
export function clientAddress(context: Context, trustedProxies = 0): string {
  const environment = context.env as
    | {
        incoming?: { socket?: { remoteAddress?: string } };
        event?: { requestContext?: { http?: { sourceIp?: string } } };
      }
    | undefined;
  const peer =
    environment?.incoming?.socket?.remoteAddress ??
    environment?.event?.requestContext?.http?.sourceIp ??
    'unknown';
  if (trustedProxies <= 0) return peer;
  const forwarded = (context.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  // The last entry was added by the nearest proxy; each trusted proxy adds one.
  return forwarded[forwarded.length - trustedProxies] ?? forwarded[0] ?? peer;
}
