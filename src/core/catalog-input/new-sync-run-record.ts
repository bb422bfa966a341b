import type { SyncRunRecord } from '../ports/repository-catalog.ts';

/** The record `startSyncRun` stores: the run as given, running, with no outcome and nothing counted yet. */
export function newSyncRunRecord(run: Pick<SyncRunRecord, 'id' | 'repoId' | 'startedAt'>): SyncRunRecord {
  return {
    id: run.id,
    repoId: run.repoId,
    startedAt: run.startedAt,
    finishedAt: null,
    status: 'running',
    tag: null,
    previousTag: null,
    files: 0,
    bytes: 0,
    skipped: 0,
    durationMs: null,
    error: null,
  };
}
