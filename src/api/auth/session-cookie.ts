import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { AppSettings } from '../app-dependencies.ts';

/** Name of the cookie that carries the session token. */
export const sessionCookieName = 'quarry_session';

/** The session token the browser sent, if any. */
export function readSessionToken(context: Context): string | undefined {
  return getCookie(context, sessionCookieName);
}

/** Sets the session cookie: HttpOnly, SameSite=Lax, `Secure` over HTTPS (or as configured). */
export function writeSessionCookie(context: Context, token: string, settings: AppSettings): void {
  setCookie(context, sessionCookieName, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: isSecure(context, settings),
    path: '/',
    maxAge: Math.floor(settings.sessionTtlMs / 1000),
  });
}

/** Removes the session cookie from the browser. */
export function clearSessionCookie(context: Context, settings: AppSettings): void {
  deleteCookie(context, sessionCookieName, { path: '/', secure: isSecure(context, settings) });
}

/**
 * `auto`: HTTPS as the browser sees it. Behind a TLS-terminating proxy the server itself sees plain HTTP,
 * but the browser's `Origin` (sent with sign-in) still says `https:`.
 */
function isSecure(context: Context, settings: AppSettings): boolean {
  if (settings.secureCookies !== 'auto') return settings.secureCookies;
  return (
    new URL(context.req.url).protocol === 'https:' ||
    (context.req.header('origin') ?? '').startsWith('https://')
  );
}
