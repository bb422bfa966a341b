import type { Repository } from './api-types.ts';
import { RepositoryRow } from './repository-row.tsx';
import { TableHead } from './table-head.tsx';

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
        <TableHead
          columns={['Repo', 'Enabled', 'Track', 'Version', 'Last checked', 'Status', 'Files', 'Size']}
          actions
        />
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
