import { useCallback, useEffect, useState } from 'react';
import { apiJson, apiRequest, isAbortError, setUnauthorizedHandler } from './api-client.ts';
import { ApiError } from './api-error.ts';
import type { User } from './api-types.ts';

/** Where the session stands: being checked, signed out (maybe because it expired), or signed in. */
export type Session =
  | { status: 'checking' }
  | { status: 'signed-out'; expired: boolean; error?: string }
  | { status: 'signed-in'; user: User };

/** The session and what changes it. */
export interface SessionControls {
  session: Session;
  signedIn: (user: User) => void;
  signOut: () => Promise<void>;
}

/** Checks the session cookie on load (`GET /api/auth/me`) and signs out on any 401. */
export function useSession(): SessionControls {
  const [session, setSession] = useState<Session>({ status: 'checking' });

  useEffect(() => {
    setUnauthorizedHandler(() => setSession({ status: 'signed-out', expired: true }));
    const controller = new AbortController();
    apiJson<{ user: User }>('/api/auth/me', { expectUnauthorized: true, signal: controller.signal })
      .then(({ user }) => setSession({ status: 'signed-in', user }))
      .catch((error: unknown) => {
        if (isAbortError(error)) return;
        const reachable = error instanceof ApiError && error.status === 401;
        setSession({
          status: 'signed-out',
          expired: false,
          ...(reachable ? {} : { error: 'The server could not be reached. Try again in a moment.' }),
        });
      });
    return () => controller.abort();
  }, []);

  const signedIn = useCallback((user: User) => setSession({ status: 'signed-in', user }), []);
  const signOut = useCallback(async () => {
    try {
      await apiRequest('/api/auth/logout', { method: 'POST', expectUnauthorized: true });
    } catch {
      // Signing out locally is what matters: an expired session needs no server call.
    }
    setSession({ status: 'signed-out', expired: false });
  }, []);

  return { session, signedIn, signOut };
}
