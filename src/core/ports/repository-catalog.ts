/** How a repository's versions are found. */
export type TrackMode = 'releases' | 'tags';

/** Outcome of checking one repository. */
export type SyncStatus = 'updated' | 'unchanged' | 'no-release' | 'failed';

/** Who manages a catalog entry: the config file (`sync.repos`, or the defaults) or the CLI/API. */
export type RepoOrigin = 'config' | 'user';

/** One watched GitHub repository. */
export interface RepoRecord {
  /** `owner/name`, as the user spelled it (lookups ignore case). */
  id: string;
  enabled: boolean;
  /** Absolute path of a gitignore-style file applied on extraction, or `null`. */
  ignoreFile: string | null;
  track: TrackMode;
  /** Glob naming a release asset to download instead of the source tarball, or `null`. */
  asset: string | null;
  /** The tag currently extracted under `current/`, or `null` before the first successful sync. */
  version: string | null;
  /** When `version` last changed (ISO 8601). */
  modified: string | null;
  lastCheckedAt: string | null;
  /** ETag of GitHub's last answer, for conditional requests. */
  etag: string | null;
  status: SyncStatus | null;
  /** The last failure, one line, secrets removed. */
  error: string | null;
  /** Files and bytes of the current version. */
  files: number;
  bytes: number;
  origin: RepoOrigin;
}

/** The settings a user chooses when adding a repository. */
export type RepoSettings = Pick<RepoRecord, 'id' | 'enabled' | 'ignoreFile' | 'track' | 'asset' | 'origin'>;

/** One attempt to sync one repository. */
export interface SyncRunRecord {
  id: string;
  repoId: string;
  startedAt: string;
  finishedAt: string | null;
  /** `running` until the run finishes; a run left `running` by a crash is marked `failed` later. */
  status: SyncStatus | 'running';
  tag: string | null;
  previousTag: string | null;
  files: number;
  bytes: number;
  /** Entries left out (ignored, links, special files). */
  skipped: number;
  durationMs: number | null;
  error: string | null;
}

/**
 * The watched repositories and the history of their syncs.
 *
 * Contract (checked by `repository-catalog.contract.ts`):
 * - Repo ids are compared case-insensitively; `addRepo` of an existing id is a `ConflictError`;
 *   `updateRepo`/`removeRepo` of an unknown id is a `NotFoundError`.
 * - `updateRepo` changes only the fields given and returns the whole new record.
 * - `listRepos` returns repos sorted by id, ignoring case; `listSyncRuns({ repoId })` matches ids
 *   ignoring case too.
 * - `startSyncRun` with an existing id is a `ConflictError`; `finishSyncRun` of an unknown id a
 *   `NotFoundError`.
 * - `listSyncRuns` returns newest first.
 */
export interface RepositoryCatalog {
  addRepo(settings: RepoSettings): Promise<RepoRecord>;
  getRepo(id: string): Promise<RepoRecord | undefined>;
  listRepos(): Promise<RepoRecord[]>;
  updateRepo(id: string, changes: Partial<Omit<RepoRecord, 'id'>>): Promise<RepoRecord>;
  removeRepo(id: string): Promise<void>;

  startSyncRun(run: Pick<SyncRunRecord, 'id' | 'repoId' | 'startedAt'>): Promise<void>;
  finishSyncRun(id: string, result: Omit<SyncRunRecord, 'id' | 'repoId' | 'startedAt'>): Promise<void>;
  listSyncRuns(options?: { repoId?: string; limit?: number }): Promise<SyncRunRecord[]>;
}
