import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { endSession, startSession } from '../../accounts/sessions.ts';
import { authenticateUser } from '../../accounts/users.ts';
import { errorResponse } from '../api-schemas.ts';
import type { AppEnvironment } from '../app-dependencies.ts';
import { isAllowedOrigin } from '../auth/check-origin.ts';
import { clientAddress } from '../auth/client-address.ts';
import type { LoginRateLimiter } from '../auth/login-rate-limiter.ts';
import { clearSessionCookie, readSessionToken, writeSessionCookie } from '../auth/session-cookie.ts';
import { HttpError } from '../http-errors.ts';

const userSchema = z.object({ id: z.string(), role: z.enum(['admin', 'member']) }).openapi('User');

const loginRoute = createRoute({
  method: 'post',
  path: '/api/auth/login',
  tags: ['auth'],
  summary: 'Sign in; sets an HttpOnly session cookie',
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) }),
        },
      },
    },
  },
  responses: {
    200: {
      description: 'Signed in',
      content: { 'application/json': { schema: z.object({ user: userSchema }) } },
    },
    401: errorResponse('Wrong user name or password'),
    429: errorResponse('Too many failed attempts; see Retry-After'),
  },
});

/**
 * Failed sign-ins counted per address and name (guessing one account's password) and per address alone,
 * with a larger allowance (trying one password on many names).
 */
export interface LoginLimiters {
  perName: LoginRateLimiter;
  perAddress: LoginRateLimiter;
}

/** Login, logout and "who am I" (`/api/auth/me` is registered after authentication, with the rest). */
export function registerLoginRoutes(app: OpenAPIHono<AppEnvironment>, limiters: LoginLimiters): void {
  app.openapi(loginRoute, async (context) => {
    const { catalog, settings } = context.var.dependencies;
    refuseForeignOrigin(context.req.header('origin'), context.req.url, settings.trustedOrigins);
    const { username, password } = context.req.valid('json');
    const address = clientAddress(context, settings.trustedProxies ?? 0);
    const key = `${address}|${username.toLowerCase()}`;
    const wait = Math.max(
      limiters.perName.retryAfterSeconds(key),
      limiters.perAddress.retryAfterSeconds(address),
    );
    if (wait > 0) {
      throw new HttpError(429, 'rate_limited', `Too many failed sign-in attempts; try again in ${wait} s.`, {
        headers: { 'Retry-After': String(wait) },
      });
    }
    // Counted before the (slow) password check, so attempts sent in parallel cannot all pass the limit.
    limiters.perName.recordFailure(key);
    limiters.perAddress.recordFailure(address);
    const user = await authenticateUser(catalog, username, password);
    if (!user) throw new HttpError(401, 'unauthorized', 'Wrong user name or password.');
    limiters.perName.recordSuccess(key);
    const { token } = await startSession(context.var.dependencies, user, settings.sessionTtlMs);
    writeSessionCookie(context, token, settings);
    return context.json({ user: { id: user.id, role: user.role } }, 200);
  });
  app.post('/api/auth/logout', async (context) => {
    const { settings } = context.var.dependencies;
    refuseForeignOrigin(context.req.header('origin'), context.req.url, settings.trustedOrigins);
    const token = readSessionToken(context);
    if (token !== undefined) await endSession(context.var.dependencies, token);
    clearSessionCookie(context, context.var.dependencies.settings);
    return context.body(null, 204);
  });
}

/** `GET /api/auth/me`: the signed-in account. */
export function registerIdentityRoute(app: OpenAPIHono<AppEnvironment>): void {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/auth/me',
      tags: ['auth'],
      summary: 'The signed-in account',
      security: [{ cookieAuth: [] }, { bearerAuth: [] }],
      responses: {
        200: {
          description: 'Signed in',
          content: { 'application/json': { schema: z.object({ user: userSchema }) } },
        },
        401: errorResponse('Not signed in'),
      },
    }),
    (context) => context.json({ user: context.var.identity.user }, 200),
  );
}

/** A login posted from another site (login CSRF) is refused; tools that send no Origin may sign in. */
function refuseForeignOrigin(origin: string | undefined, url: string, trusted: string[]): void {
  if (origin !== undefined && !isAllowedOrigin(origin, url, trusted)) {
    throw new HttpError(403, 'forbidden', 'Sign-in from another site was refused.');
  }
}
