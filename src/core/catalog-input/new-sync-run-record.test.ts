import { describe, expect, it } from 'vitest';
import { newSyncRunRecord } from './new-sync-run-record.ts';

describe('newSyncRunRecord', () => {
  it('records a started run as running, with no outcome', () => {
    const record = newSyncRunRecord({ id: 'run-1', repoId: 'owner/project', startedAt: 't0' });
    expect(record).toMatchObject({
      id: 'run-1',
      repoId: 'owner/project',
      startedAt: 't0',
      status: 'running',
    });
    expect([record.finishedAt, record.tag, record.durationMs, record.error]).toEqual([
      null,
      null,
      null,
      null,
    ]);
    expect([record.files, record.bytes, record.skipped]).toEqual([0, 0, 0]);
  });
});
