import type { ApiKey } from './api-types.ts';
import { formatDateTime } from './format.ts';
import { TableHead } from './table-head.tsx';

/** Props of {@link ApiKeyTable}. */
export interface ApiKeyTableProps {
  keys: ApiKey[];
  onRevoke: (key: ApiKey) => void;
}

/** The user's API keys: name, id, created, last used, status, and Revoke for the active ones. */
export function ApiKeyTable({ keys, onRevoke }: ApiKeyTableProps) {
  if (keys.length === 0) return <p className="muted">No API keys yet.</p>;
  return (
    <div className="table-scroll">
      <table className="data-table">
        <caption>Your API keys</caption>
        <TableHead columns={['Name', 'ID', 'Created', 'Last used', 'Status']} actions />
        <tbody>
          {keys.map((key) => (
            <tr key={key.id}>
              <th scope="row">{key.name}</th>
              <td>
                <code>{key.id}</code>
              </td>
              <td>{formatDateTime(key.createdAt)}</td>
              <td>{key.lastUsedAt ? formatDateTime(key.lastUsedAt) : 'never'}</td>
              <td>
                {key.revokedAt ? (
                  <span className="status status-revoked">revoked</span>
                ) : (
                  <span className="status">active</span>
                )}
              </td>
              <td>
                {!key.revokedAt && (
                  <button type="button" className="button-quiet button-danger" onClick={() => onRevoke(key)}>
                    Revoke<span className="visually-hidden"> {key.name}</span>
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
