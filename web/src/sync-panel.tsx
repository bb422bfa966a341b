import { useId, useState } from 'react';
import { apiRequest, errorMessage } from './api-client.ts';
import { SyncProgress } from './sync-progress.tsx';
import { SyncRunTable } from './sync-run-table.tsx';
import { useSyncRuns } from './use-sync-runs.ts';

/** Props of {@link SyncPanel}. */
export interface SyncPanelProps {
  repositoryIds: string[];
  /** Called when a running sync ends, to reload the repositories. */
  onSyncFinished: () => Promise<void>;
}

/** "Sync now" (all or one repository), the running sync's progress, and recent runs. */
export function SyncPanel({ repositoryIds, onSyncFinished }: SyncPanelProps) {
  const { runs, error, started } = useSyncRuns(() => void onSyncFinished());
  const [target, setTarget] = useState('');
  const [startError, setStartError] = useState<string | undefined>(undefined);
  const [starting, setStarting] = useState(false);
  const targetId = useId();
  const active = runs?.active ?? null;

  async function syncNow() {
    setStarting(true);
    setStartError(undefined);
    try {
      await apiRequest('/api/sync', { method: 'POST', body: target ? { repo: target } : {} });
      await started();
    } catch (caught) {
      setStartError(errorMessage(caught));
    } finally {
      setStarting(false);
    }
  }

  return (
    <section className="sync-panel" aria-labelledby="sync-title">
      <h2 id="sync-title">Sync</h2>
      <div className="inline-form">
        <div className="field">
          <label htmlFor={targetId}>Sync which</label>
          <select id={targetId} value={target} onChange={(event) => setTarget(event.target.value)}>
            <option value="">All enabled</option>
            {repositoryIds.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </div>
        <button type="button" className="button-primary" disabled={starting} onClick={syncNow}>
          Sync now
        </button>
      </div>
      {startError && (
        <p className="alert" role="alert">
          {startError}
        </p>
      )}
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
      {active && <SyncProgress active={active} />}
      {runs && <SyncRunTable runs={runs.runs} />}
    </section>
  );
}
