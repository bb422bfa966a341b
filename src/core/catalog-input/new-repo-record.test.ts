import { describe, expect, it } from 'vitest';
import type { RepoSettings } from '../ports/repository-catalog.ts';
import { newRepoRecord } from './new-repo-record.ts';

describe('newRepoRecord', () => {
  it('keeps the settings only, with an empty sync state', () => {
    const settings: RepoSettings = {
      id: 'owner/project',
      enabled: true,
      ignoreFile: null,
      track: 'tags',
      asset: '*.tar.gz',
      origin: 'config',
    };
    const record = newRepoRecord({ ...settings, stray: 1 } as RepoSettings);
    expect(record).toMatchObject(settings);
    expect(record).not.toHaveProperty('stray');
    const { version, modified, lastCheckedAt, etag, status, error, files, bytes } = record;
    expect([version, modified, lastCheckedAt, etag, status, error]).toEqual(Array(6).fill(null));
    expect(files + bytes).toBe(0);
  });
});
