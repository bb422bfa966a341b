import type { Catalog, RepoRecord, SyncStatus } from '../core/ports/catalog.ts';
import type { Logger } from '../core/ports/logger.ts';
import type { Notifier } from '../core/ports/notifier.ts';
import type { ObjectStore } from '../core/ports/object-store.ts';
import type { ReleaseSource } from '../core/ports/release-source.ts';
import type { Redactor } from '../core/redact.ts';
import type { LockIdentity } from './repository-lock.ts';

/** Safety limits enforced while a release streams in. */
export interface SyncLimits {
  maxDownloadBytes: number;
  maxExtractedBytes: number;
  maxFiles: number;
}

/** Where a repository's sync is, for progress bars and log lines. */
export interface SyncProgress {
  repoId: string;
  phase: 'checking' | 'downloading' | 'promoting' | 'done';
  tag?: string;
  files: number;
  bytes: number;
  downloadedBytes: number;
  /** Announced download size, when GitHub sent one. */
  totalBytes: number | null;
}

/**
 * What indexing one repository produced. The knowledge base's `IndexReport` fits; the sync capability
 * relies on these fields only and passes the rest through untouched.
 */
export interface ReleaseIndexReport {
  source: string;
  version: string;
  indexed: number;
  unchanged: number;
  removed: number;
  chunks: number;
}

/** Everything a sync needs, passed in by the composition root. */
export interface SyncContext {
  catalog: Catalog;
  store: ObjectStore;
  releases: ReleaseSource;
  notifier: Notifier;
  logger: Logger;
  lock: LockIdentity;
  clock: () => Date;
  newRunId: () => string;
  /** Reads a local file (ignore files). */
  readFile: (path: string) => Promise<Uint8Array>;
  /** Local folder for temporary files (zip downloads). */
  scratchFolder: string;
  limits: SyncLimits;
  redact: Redactor;
  onProgress?: (progress: SyncProgress) => void;
  /**
   * Indexes a repository's current version into the knowledge base, which is another capability and so
   * is passed in. Absent: the index step reports `skipped` (`quarry sync` without indexing, tests). The
   * in-process runner calls it for one repository at a time.
   */
  indexRelease?: (repo: RepoRecord, signal?: AbortSignal) => Promise<ReleaseIndexReport>;
  /** Embeds the chunks still missing vectors; called once per pass, after the repositories are indexed. */
  fillVectors?: (signal?: AbortSignal) => Promise<void>;
}

/** What every sync step gets: the sync's ports, and the signal that stops the step early. */
export interface SyncStepContext extends SyncContext {
  /** Aborted when the step must stop (Ctrl-C locally; shortly before a Lambda's time runs out). */
  signal?: AbortSignal;
}

/** Options of one sync pass. */
export interface SyncOptions {
  /** Re-extract even when GitHub says nothing changed. */
  force?: boolean;
  signal?: AbortSignal;
}

/** The outcome of syncing one repository; this is what `quarry sync --json` prints per repo. */
export interface SyncResult {
  id: string;
  status: SyncStatus;
  tag: string | null;
  previousTag: string | null;
  files: number;
  bytes: number;
  durationMs: number;
  error: string | null;
}
