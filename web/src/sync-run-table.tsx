import type { SyncRun } from './api-types.ts';
import { formatBytes, formatDateTime } from './format.ts';

/** The recent sync runs: repository, times, status, tag, size and error. */
export function SyncRunTable({ runs }: { runs: SyncRun[] }) {
  if (runs.length === 0) return <p className="muted">No sync has run yet.</p>;
  return (
    <div className="table-scroll">
      <table className="data-table">
        <caption>Recent sync runs</caption>
        <thead>
          <tr>
            <th scope="col">Repo</th>
            <th scope="col">Started</th>
            <th scope="col">Finished</th>
            <th scope="col">Status</th>
            <th scope="col">Tag</th>
            <th scope="col">Files</th>
            <th scope="col">Size</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id}>
              <th scope="row">{run.repoId}</th>
              <td>{formatDateTime(run.startedAt)}</td>
              <td>{formatDateTime(run.finishedAt)}</td>
              <td>
                <span className={`status status-${run.status}`}>{run.status}</span>
                {run.error && <p className="status-error">{run.error}</p>}
              </td>
              <td>{run.tag ?? '–'}</td>
              <td>{run.files}</td>
              <td>{formatBytes(run.bytes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
