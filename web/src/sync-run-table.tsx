import type { SyncRun } from './api-types.ts';
import { formatBytes, formatDateTime } from './format.ts';
import { TableHead } from './table-head.tsx';

/** The recent sync runs: repository, times, status, tag, size and error. */
export function SyncRunTable({ runs }: { runs: SyncRun[] }) {
  if (runs.length === 0) return <p className="muted">No sync has run yet.</p>;
  return (
    <div className="table-scroll">
      <table className="data-table">
        <caption>Recent sync runs</caption>
        <TableHead columns={['Repo', 'Started', 'Finished', 'Status', 'Tag', 'Files', 'Size']} />
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
