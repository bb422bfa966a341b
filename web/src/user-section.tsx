import { useCallback, useEffect, useState } from 'react';
import { apiJson, apiRequest, errorMessage } from './api-client.ts';
import type { Account, User } from './api-types.ts';
import { userUrl } from './urls.ts';
import { UserAddForm } from './user-add-form.tsx';
import { UserTable } from './user-table.tsx';

/** Props of {@link UserSection}. */
export interface UserSectionProps {
  /** The signed-in admin, who cannot remove their own account here. */
  user: User;
}

/** The accounts (admins only, `GET /api/users`): add one, remove any but your own. */
export function UserSection({ user }: UserSectionProps) {
  const [accounts, setAccounts] = useState<Account[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);

  const reload = useCallback(async () => {
    try {
      const body = await apiJson<{ users: Account[] }>('/api/users');
      setAccounts(body.users);
    } catch (caught) {
      setError(errorMessage(caught));
    }
  }, []);

  useEffect(() => {
    void reload();
  }, [reload]);

  async function remove(account: Account) {
    if (!window.confirm(`Remove the account ${account.id} with its API keys and sessions?`)) return;
    setError(undefined);
    setNotice(undefined);
    try {
      await apiRequest(userUrl(account.id), { method: 'DELETE' });
      setNotice(`Removed ${account.id}.`);
    } catch (caught) {
      setError(errorMessage(caught));
    }
    await reload();
  }

  return (
    <section className="account-section" aria-labelledby="users-title">
      <h2 id="users-title">Users</h2>
      <UserAddForm onAdded={reload} />
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {accounts === undefined ? (
        !error && <p className="muted">Loading…</p>
      ) : (
        <UserTable accounts={accounts} currentUserId={user.id} onRemove={(account) => void remove(account)} />
      )}
    </section>
  );
}
