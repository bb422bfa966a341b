import { useId, useState } from 'react';
import { apiJson } from './api-client.ts';
import type { Account } from './api-types.ts';
import { Messages } from './messages.tsx';
import { MINIMUM_PASSWORD_LENGTH, passwordLengthProblem } from './password-rules.ts';
import { useFormAction } from './use-form-action.ts';

/** Props of {@link UserAddForm}. */
export interface UserAddFormProps {
  onAdded: () => Promise<void>;
}

/** Adds an account (`POST /api/users`): name, role and an initial password to hand over to its owner. */
export function UserAddForm({ onAdded }: UserAddFormProps) {
  const [id, setId] = useState('');
  const [role, setRole] = useState<'member' | 'admin'>('member');
  const [password, setPassword] = useState('');
  const form = useFormAction();
  const idInput = useId();
  const roleInput = useId();
  const passwordInput = useId();

  const add = form.handler(
    async () => {
      const body = { id: id.trim(), role, password };
      const { user } = await apiJson<{ user: Account }>('/api/users', { method: 'POST', body });
      setId('');
      setRole('member');
      setPassword('');
      await onAdded();
      return `Added ${user.id} (${user.role}).`;
    },
    () => passwordLengthProblem(password),
  );

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
      <button type="submit" className="button-primary" disabled={form.busy}>
        Add user
      </button>
      <Messages error={form.error} notice={form.notice} className="form-message" />
    </form>
  );
}
