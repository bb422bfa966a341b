import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { startSession } from '../../accounts/sessions.ts';
import { authenticateUser, changePassword } from '../../accounts/users.ts';
import { ValidationError } from '../../core/errors/index.ts';
import { authenticated, commonErrorResponses, errorResponse } from '../api-schemas.ts';
import type { AppEnvironment } from '../app-dependencies.ts';
import { clientAddress } from '../auth/client-address.ts';
import { writeSessionCookie } from '../auth/session-cookie.ts';
import { HttpError } from '../http-errors.ts';
import type { LoginLimiters } from './auth-routes.ts';

const passwordRoute = createRoute({
  method: 'post',
  path: '/api/auth/password',
  tags: ['auth'],
  summary: 'Change your password; every session of the account ends (this one is renewed)',
  security: authenticated,
  request: {
    body: {
      required: true,
      content: {
        'application/json': {
          schema: z.object({
            currentPassword: z.string().min(1).max(1024),
            newPassword: z.string().min(1).max(1024),
          }),
        },
      },
    },
  },
  responses: {
    204: { description: 'Changed' },
    ...commonErrorResponses,
    429: errorResponse('Too many wrong current passwords; see Retry-After'),
  },
});

/**
 * `POST /api/auth/password`. The current password is checked (and counted like a failed sign-in when
 * wrong, so a stolen session cannot guess it freely); the new one follows the account rules. Changing it
 * ends every session of the account; a browser gets a fresh session so it stays signed in.
 */
export function registerPasswordRoute(app: OpenAPIHono<AppEnvironment>, limiters: LoginLimiters): void {
  app.openapi(passwordRoute, async (context) => {
    const { catalog, settings } = context.var.dependencies;
    const { user, via } = context.var.identity;
    const { currentPassword, newPassword } = context.req.valid('json');
    const key = `${clientAddress(context, settings.trustedProxies ?? 0)}|${user.id.toLowerCase()}`;
    const wait = limiters.perName.retryAfterSeconds(key);
    if (wait > 0) {
      throw new HttpError(429, 'rate_limited', `Too many wrong passwords; try again in ${wait} s.`, {
        headers: { 'Retry-After': String(wait) },
      });
    }
    limiters.perName.recordFailure(key);
    if (!(await authenticateUser(catalog, user.id, currentPassword))) {
      throw new ValidationError('The current password is wrong.', {
        hint: 'Type the password you signed in with.',
      });
    }
    limiters.perName.recordSuccess(key);
    const changed = await changePassword(catalog, user.id, newPassword);
    if (via === 'session') {
      const { token } = await startSession(context.var.dependencies, changed, settings.sessionTtlMs);
      writeSessionCookie(context, token, settings);
    }
    return context.body(null, 204);
  });
}
