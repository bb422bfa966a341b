import { apiRequest } from './api-client.ts';
import type { Account, User } from './api-types.ts';
import { Messages } from './messages.tsx';
import { userUrl } from './urls.ts';
import { useManagedList } from './use-managed-list.ts';
import { UserAddForm } from './user-add-form.tsx';
import { UserTable } from './user-table.tsx';

/** Props of {@link UserSection}. */
export interface UserSectionProps {
  /** The signed-in admin, who cannot remove their own account here. */
  user: User;
}

/** The accounts (admins only, `GET /api/users`): add one, remove any but your own. */
export function UserSection({ user }: UserSectionProps) {
  const list = useManagedList<Account>('/api/users', 'users');

  function remove(account: Account) {
    if (!window.confirm(`Remove the account ${account.id} with its API keys and sessions?`)) return;
    void list.run(() => apiRequest(userUrl(account.id), { method: 'DELETE' }), `Removed ${account.id}.`);
  }

  return (
    <section className="account-section" aria-labelledby="users-title">
      <h2 id="users-title">Users</h2>
      <UserAddForm onAdded={list.reload} />
      <Messages error={list.error} notice={list.notice} />
      {list.items === undefined ? (
        !list.error && <p className="muted">Loading…</p>
      ) : (
        <UserTable accounts={list.items} currentUserId={user.id} onRemove={remove} />
      )}
    </section>
  );
}
