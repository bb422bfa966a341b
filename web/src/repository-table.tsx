import type { Repository } from './api-types.ts';
import { RepositoryRow } from './repository-row.tsx';

/** Props of {@link RepositoryTable}. */
export interface RepositoryTableProps {
  repositories: Repository[];
  onSetEnabled: (repository: Repository, enabled: boolean) => void;
  onRemove: (repository: Repository) => void;
}

/** The watched repositories with their version, last check, status and size. */
export function RepositoryTable({ repositories, onSetEnabled, onRemove }: RepositoryTableProps) {
  if (repositories.length === 0) return <p className="muted">No repositories yet. Add one above.</p>;
  return (
    <div className="table-scroll">
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">Repo</th>
            <th scope="col">Enabled</th>
            <th scope="col">Track</th>
            <th scope="col">Version</th>
            <th scope="col">Last checked</th>
            <th scope="col">Status</th>
            <th scope="col">Files</th>
            <th scope="col">Size</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {repositories.map((repository) => (
            <RepositoryRow
              key={repository.id}
              repository={repository}
              onSetEnabled={onSetEnabled}
              onRemove={onRemove}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}
