import type { Account } from './api-types.ts';
import { formatDateTime } from './format.ts';
import { TableHead } from './table-head.tsx';

/** Props of {@link UserTable}. */
export interface UserTableProps {
  accounts: Account[];
  /** The signed-in user, whose row has no Remove button (names compare ignoring case, as on the server). */
  currentUserId: string;
  onRemove: (account: Account) => void;
}

/** The accounts with their role and creation time, and Remove for every one but your own. */
export function UserTable({ accounts, currentUserId, onRemove }: UserTableProps) {
  if (accounts.length === 0) return <p className="muted">No accounts.</p>;
  const me = currentUserId.toLowerCase();
  return (
    <div className="table-scroll">
      <table className="data-table">
        <caption>Accounts</caption>
        <TableHead columns={['User', 'Role', 'Created']} actions />
        <tbody>
          {accounts.map((account) => (
            <tr key={account.id}>
              <th scope="row">
                {account.id}
                {account.id.toLowerCase() === me && <span className="badge">you</span>}
              </th>
              <td>{account.role}</td>
              <td>{formatDateTime(account.createdAt)}</td>
              <td>
                {account.id.toLowerCase() !== me && (
                  <button
                    type="button"
                    className="button-quiet button-danger"
                    onClick={() => onRemove(account)}
                  >
                    Remove<span className="visually-hidden"> {account.id}</span>
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
