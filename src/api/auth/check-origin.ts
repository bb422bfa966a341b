import type { MiddlewareHandler } from 'hono';
import type { AppEnvironment } from '../app-dependencies.ts';
import { HttpError } from '../http-errors.ts';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Cross-site request forgery defence for cookie sessions: a state-changing request authenticated by the
 * cookie must come from the server's own origin (or a configured trusted one). Browsers always send
 * `Origin` on such requests, so a missing one is refused too. API keys are not sent by browsers on their
 * own, so bearer requests need no check.
 */
export function checkOrigin(): MiddlewareHandler<AppEnvironment> {
  return async (context, next) => {
    const identity = context.var.identity;
    if (identity.via === 'session' && !safeMethods.has(context.req.method)) {
      const origin = context.req.header('origin');
      const { trustedOrigins } = context.var.dependencies.settings;
      if (!origin || !isAllowedOrigin(origin, context.req.url, trustedOrigins)) {
        throw new HttpError(403, 'forbidden', 'This request came from another site and was refused.', {
          hint: 'Use the Quarry web app, or an API key for scripts; add reverse-proxy origins to server.trustedOrigins.',
        });
      }
    }
    await next();
  };
}

/** True when `origin` is the request's own origin or one of `trusted`. */
export function isAllowedOrigin(origin: string, requestUrl: string, trusted: readonly string[]): boolean {
  return origin === new URL(requestUrl).origin || trusted.includes(origin);
}
