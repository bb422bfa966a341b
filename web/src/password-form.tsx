import { useId, useState } from 'react';
import { apiRequest } from './api-client.ts';
import { Messages } from './messages.tsx';
import { MINIMUM_PASSWORD_LENGTH, newPasswordProblem } from './password-rules.ts';
import { useFormAction } from './use-form-action.ts';

/**
 * Changes the signed-in user's password (`POST /api/auth/password`). The server re-issues the session
 * cookie and ends the other sessions; a wrong current password is a 401 that must not sign out here.
 */
export function PasswordForm() {
  const [currentPassword, setCurrentPassword] = useState('');
  const [newPassword, setNewPassword] = useState('');
  const [repeated, setRepeated] = useState('');
  const form = useFormAction();
  const currentId = useId();
  const newId = useId();
  const newHintId = useId();
  const repeatId = useId();

  const change = form.handler(
    async () => {
      await apiRequest('/api/auth/password', {
        method: 'POST',
        body: { currentPassword, newPassword },
        expectUnauthorized: true,
      });
      setCurrentPassword('');
      setNewPassword('');
      setRepeated('');
      return 'Password changed. Other sessions were signed out.';
    },
    () => newPasswordProblem(newPassword, repeated),
  );

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
      <button type="submit" className="button-primary" disabled={form.busy}>
        Change password
      </button>
      <Messages error={form.error} notice={form.notice} className="form-message" />
    </form>
  );
}
