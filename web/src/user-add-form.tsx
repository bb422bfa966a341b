import { type FormEvent, useId, useState } from 'react';
import { apiJson, errorMessage } from './api-client.ts';
import type { Account } from './api-types.ts';
import { MINIMUM_PASSWORD_LENGTH, passwordLengthProblem } from './password-rules.ts';

/** Props of {@link UserAddForm}. */
export interface UserAddFormProps {
  onAdded: () => Promise<void>;
}

/** Adds an account (`POST /api/users`): name, role and an initial password to hand over to its owner. */
export function UserAddForm({ onAdded }: UserAddFormProps) {
  const [id, setId] = useState('');
  const [role, setRole] = useState<'member' | 'admin'>('member');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [status, setStatus] = useState<string | undefined>(undefined);
  const [adding, setAdding] = useState(false);
  const idInput = useId();
  const roleInput = useId();
  const passwordInput = useId();

  async function add(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(undefined);
    setStatus(undefined);
    const problem = passwordLengthProblem(password);
    if (problem) {
      setError(problem);
      return;
    }
    setAdding(true);
    try {
      const body = { id: id.trim(), role, password };
      const { user } = await apiJson<{ user: Account }>('/api/users', { method: 'POST', body });
      setStatus(`Added ${user.id} (${user.role}).`);
      setId('');
      setRole('member');
      setPassword('');
      await onAdded();
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setAdding(false);
    }
  }

  return (
    <form className="inline-form" onSubmit={add}>
      <div className="field">
        <label htmlFor={idInput}>User name</label>
        <input
          id={idInput}
          required
          maxLength={64}
          autoComplete="off"
          spellCheck={false}
          value={id}
          onChange={(event) => setId(event.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={roleInput}>Role</label>
        <select
          id={roleInput}
          value={role}
          onChange={(event) => setRole(event.target.value === 'admin' ? 'admin' : 'member')}
        >
          <option value="member">member</option>
          <option value="admin">admin</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor={passwordInput}>Initial password</label>
        <input
          id={passwordInput}
          type="password"
          autoComplete="new-password"
          required
          placeholder={`${MINIMUM_PASSWORD_LENGTH}+ characters`}
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
      </div>
      <button type="submit" className="button-primary" disabled={adding}>
        Add user
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
