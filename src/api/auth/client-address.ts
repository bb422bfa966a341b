import type { Context } from 'hono';

/**
 * The address a request came from, for rate limiting: the socket's peer under Node, the source IP API
 * Gateway saw under Lambda. Forwarded headers are ignored on purpose, since any client can set them.
 */
export function clientAddress(context: Context): string {
  const environment = context.env as
    | {
        incoming?: { socket?: { remoteAddress?: string } };
        event?: { requestContext?: { http?: { sourceIp?: string } } };
      }
    | undefined;
  return (
    environment?.incoming?.socket?.remoteAddress ??
    environment?.event?.requestContext?.http?.sourceIp ??
    'unknown'
  );
}
