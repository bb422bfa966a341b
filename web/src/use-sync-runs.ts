import { useCallback, useEffect, useRef, useState } from 'react';
import { apiJson, errorMessage } from './api-client.ts';
import type { SyncRunsResponse } from './api-types.ts';

const POLL_INTERVAL_MILLISECONDS = 2000;

/** The sync runs and the running sync, polled every 2 s while a sync is active. */
export interface SyncRuns {
  runs: SyncRunsResponse | undefined;
  error: string | undefined;
  /** Loads the runs now (and starts polling if a sync is active). */
  refresh: () => Promise<void>;
  /** Call after starting a sync: loads the runs and reports the end even if it was quick. */
  started: () => Promise<void>;
}

/** Loads `GET /api/sync/runs?limit=20`, polls while a sync runs, and calls `onFinished` when it ends. */
export function useSyncRuns(onFinished: () => void): SyncRuns {
  const [runs, setRuns] = useState<SyncRunsResponse | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const wasActive = useRef(false);
  const onFinishedRef = useRef(onFinished);
  useEffect(() => {
    onFinishedRef.current = onFinished;
  });

  const refresh = useCallback(async () => {
    try {
      const body = await apiJson<SyncRunsResponse>('/api/sync/runs?limit=20');
      setRuns(body);
      setError(undefined);
      if (wasActive.current && body.active === null) onFinishedRef.current();
      wasActive.current = body.active !== null;
    } catch (caught) {
      setError(errorMessage(caught));
    }
  }, []);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const active = runs?.active != null;
  useEffect(() => {
    if (!active) return;
    const timer = window.setInterval(() => void refresh(), POLL_INTERVAL_MILLISECONDS);
    return () => window.clearInterval(timer);
  }, [active, refresh]);

  const started = useCallback(async () => {
    wasActive.current = true;
    await refresh();
  }, [refresh]);

  return { runs, error, refresh, started };
}
