import { type FormEvent, useId, useState } from 'react';
import { apiJson, errorMessage } from './api-client.ts';
import { ApiError } from './api-error.ts';
import type { User } from './api-types.ts';

/** Props of {@link LoginPage}. */
export interface LoginPageProps {
  /** Whether the user lands here because the session ended (a 401 elsewhere). */
  expired: boolean;
  /** Why the session check failed, when it was not a plain 401. */
  startupError: string | undefined;
  onSignedIn: (user: User) => void;
}

/** The sign-in form (`POST /api/auth/login`); shows wrong-password and rate-limit errors. */
export function LoginPage({ expired, startupError, onSignedIn }: LoginPageProps) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>(startupError);
  const [busy, setBusy] = useState(false);
  const usernameId = useId();
  const passwordId = useId();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const { user } = await apiJson<{ user: User }>('/api/auth/login', {
        method: 'POST',
        body: { username, password },
        expectUnauthorized: true,
      });
      onSignedIn(user);
    } catch (caught) {
      setError(loginErrorMessage(caught));
      setBusy(false);
    }
  }

  return (
    <main className="login-page">
      <form className="login-form" onSubmit={submit}>
        <h1>Quarry</h1>
        <p className="login-intro">Sign in to ask questions about your code and documents.</p>
        {expired && !error && (
          <p className="notice" role="status">
            Your session ended. Sign in again.
          </p>
        )}
        {error && (
          <p className="alert" role="alert">
            {error}
          </p>
        )}
        <label htmlFor={usernameId}>Username</label>
        <input
          id={usernameId}
          name="username"
          autoComplete="username"
          required
          value={username}
          onChange={(event) => setUsername(event.target.value)}
        />
        <label htmlFor={passwordId}>Password</label>
        <input
          id={passwordId}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        <button type="submit" className="button-primary" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}

function loginErrorMessage(error: unknown): string {
  if (error instanceof ApiError && error.status === 429) {
    const wait = error.retryAfterSeconds;
    return wait === undefined
      ? 'Too many attempts, try again later.'
      : `Too many attempts, try again in ${wait} s`;
  }
  return errorMessage(error);
}
