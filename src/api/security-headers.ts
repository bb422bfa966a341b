import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

/**
 * Security headers on every response: a strict Content-Security-Policy (only the app's own scripts and
 * styles, no framing, no plugins), `nosniff`, no referrer leaks; stored files get a sandboxing policy. The API docs page needs inline styles
 * (Swagger UI sets them), so only that page's policy allows them.
 */
export function securityHeaders(): MiddlewareHandler {
  const strict = secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
    },
    xFrameOptions: 'DENY',
    referrerPolicy: 'no-referrer',
    crossOriginEmbedderPolicy: false,
  });
  const docs = secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
    xFrameOptions: 'DENY',
    referrerPolicy: 'no-referrer',
    crossOriginEmbedderPolicy: false,
  });
  return async (context, next) => {
    if (context.req.path.startsWith('/api/docs')) return docs(context, next);
    await strict(context, next);
    // Stored files are shown as text; should a browser open one directly, it runs nothing from it.
    if (context.req.path.startsWith('/api/sources/') && context.res.ok) {
      context.res.headers.set('Content-Security-Policy', "sandbox; default-src 'none'");
    }
  };
}
