import { useId } from 'react';
import type { Repository } from './api-types.ts';
import { formatBytes, formatDateTime } from './format.ts';

/** Props of {@link RepositoryRow}. */
export interface RepositoryRowProps {
  repository: Repository;
  onSetEnabled: (repository: Repository, enabled: boolean) => void;
  onRemove: (repository: Repository) => void;
}

/** One watched repository: enable toggle, version, last check with its error, size, Remove. */
export function RepositoryRow({ repository, onSetEnabled, onRemove }: RepositoryRowProps) {
  const enabledId = useId();
  return (
    <tr>
      <th scope="row">{repository.id}</th>
      <td>
        <input
          id={enabledId}
          type="checkbox"
          checked={repository.enabled}
          onChange={(event) => onSetEnabled(repository, event.target.checked)}
        />
        <label htmlFor={enabledId} className="visually-hidden">
          Enabled {repository.id}
        </label>
      </td>
      <td>
        {repository.track}
        {repository.asset && <span className="muted"> ({repository.asset})</span>}
      </td>
      <td>{repository.version ?? '–'}</td>
      <td>{formatDateTime(repository.lastCheckedAt)}</td>
      <td>
        <span className={`status status-${repository.status ?? 'never'}`}>
          {repository.status ?? 'never checked'}
        </span>
        {repository.error && <p className="status-error">{repository.error}</p>}
      </td>
      <td>{repository.files}</td>
      <td>{formatBytes(repository.bytes)}</td>
      <td>
        <button type="button" className="button-quiet button-danger" onClick={() => onRemove(repository)}>
          Remove<span className="visually-hidden"> {repository.id}</span>
        </button>
      </td>
    </tr>
  );
}
