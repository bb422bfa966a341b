import type { RepoRecord, RepoSettings } from '../ports/repository-catalog.ts';

/**
 * The record `addRepo` stores for `settings`: those settings and nothing else the caller's object carried,
 * with an empty sync state (never checked, no version, nothing counted).
 */
export function newRepoRecord(settings: RepoSettings): RepoRecord {
  return {
    id: settings.id,
    enabled: settings.enabled,
    ignoreFile: settings.ignoreFile,
    track: settings.track,
    asset: settings.asset,
    version: null,
    modified: null,
    lastCheckedAt: null,
    etag: null,
    status: null,
    error: null,
    files: 0,
    bytes: 0,
    origin: settings.origin,
  };
}
