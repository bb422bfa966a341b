import { type FormEvent, useId, useState } from 'react';
import { apiRequest, errorMessage } from './api-client.ts';
import { MINIMUM_PASSWORD_LENGTH, newPasswordProblem } from './password-rules.ts';

/**
 * Changes the signed-in user's password (`POST /api/auth/password`). The server re-issues the session
 * cookie and ends the other sessions; a wrong current password is a 401 that must not sign out here.
 */
export function PasswordForm() {
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [repeated, setRepeated] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [status, setStatus] = useState<string | undefined>(undefined);
  const [saving, setSaving] = useState(false);
  const currentId = useId();
  const newId = useId();
  const newHintId = useId();
  const repeatId = useId();

  async function change(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(undefined);
    setStatus(undefined);
    const problem = newPasswordProblem(newPassword, repeated);
    if (problem) {
      setError(problem);
      return;
    }
    setSaving(true);
    try {
      await apiRequest('/api/auth/password', {
        method: 'POST',
        body: { currentPassword, newPassword },
        expectUnauthorized: true,
      });
      setCurrentPassword('');
      setNewPassword('');
      setRepeated('');
      setStatus('Password changed. Other sessions were signed out.');
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setSaving(false);
    }
  }

  return (
    <form className="stacked-form" onSubmit={change}>
      <label htmlFor={currentId}>Current password</label>
      <input
        id={currentId}
        type="password"
        autoComplete="current-password"
        required
        value={currentPassword}
        onChange={(event) => setCurrentPassword(event.target.value)}
      />
      <label htmlFor={newId}>New password</label>
      <input
        id={newId}
        type="password"
        autoComplete="new-password"
        required
        aria-describedby={newHintId}
        value={newPassword}
        onChange={(event) => setNewPassword(event.target.value)}
      />
      <p id={newHintId} className="note muted">
        At least {MINIMUM_PASSWORD_LENGTH} characters. A passphrase of a few words works well.
      </p>
      <label htmlFor={repeatId}>Repeat new password</label>
      <input
        id={repeatId}
        type="password"
        autoComplete="new-password"
        required
        value={repeated}
        onChange={(event) => setRepeated(event.target.value)}
      />
      <button type="submit" className="button-primary" disabled={saving}>
        Change password
      </button>
      {error && (
        <p className="alert form-message" role="alert">
          {error}
        </p>
      )}
      {status && (
        <p className="notice form-message" role="status">
          {status}
        </p>
      )}
    </form>
  );
}
