import type { MiddlewareHandler } from 'hono';
import { authenticateApiKey } from '../../accounts/api-keys.ts';
import { resolveSession } from '../../accounts/sessions.ts';
import type { AppEnvironment, RequestIdentity } from '../app-dependencies.ts';
import { HttpError } from '../http-errors.ts';
import { readSessionToken } from './session-cookie.ts';

/**
 * Requires a signed-in account: an API key (`Authorization: Bearer qk_…`) or a session cookie. Puts the
 * identity on the context; anything else is a 401 that says how to authenticate.
 */
export function authenticate(): MiddlewareHandler<AppEnvironment> {
  return async (context, next) => {
    const identity = await identify(context.req.header('authorization'), readSessionToken(context), context);
    if (!identity) {
      throw new HttpError(401, 'unauthorized', 'Sign in first, or send an API key.', {
        hint: 'Log in with POST /api/auth/login, or send "Authorization: Bearer <key>" (create one with "quarry keys create").',
        headers: { 'WWW-Authenticate': 'Bearer realm="quarry"' },
      });
    }
    context.set('identity', identity);
    await next();
  };
}

async function identify(
  authorization: string | undefined,
  sessionToken: string | undefined,
  context: Parameters<MiddlewareHandler<AppEnvironment>>[0],
): Promise<RequestIdentity | undefined> {
  const { catalog, clock } = context.var.dependencies;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match?.[1]) return undefined;
    const found = await authenticateApiKey({ catalog, clock }, match[1]);
    return (
      found && {
        user: { id: found.user.id, role: found.user.role },
        via: 'api-key',
        credentialId: found.key.id,
      }
    );
  }
  if (sessionToken === undefined) return undefined;
  const found = await resolveSession({ catalog, clock }, sessionToken);
  return (
    found && {
      user: { id: found.user.id, role: found.user.role },
      via: 'session',
      credentialId: found.session.id,
    }
  );
}
