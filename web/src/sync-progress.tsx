import type { SyncRunsResponse } from './api-types.ts';
import { formatBytes, formatDateTime } from './format.ts';

type ActiveSync = NonNullable<SyncRunsResponse['active']>;

/** The running sync: each repository's phase, files and download progress. */
export function SyncProgress({ active }: { active: ActiveSync }) {
  return (
    <div className="sync-progress" role="status">
      <p>Sync running since {formatDateTime(active.startedAt)}</p>
      <ul className="plain-list">
        {active.repos.map((repository) => (
          <li key={repository.repoId} className="sync-progress-item">
            <span className="sync-progress-name">{repository.repoId}</span>
            <span className="muted">
              {repository.phase} · {repository.files} files · {formatBytes(repository.bytes)}
            </span>
            <progress
              aria-label={`Download of ${repository.repoId}`}
              max={repository.totalBytes ?? undefined}
              value={repository.totalBytes ? repository.downloadedBytes : undefined}
            />
            <span className="muted">
              {formatBytes(repository.downloadedBytes)}
              {repository.totalBytes ? ` of ${formatBytes(repository.totalBytes)}` : ''}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
