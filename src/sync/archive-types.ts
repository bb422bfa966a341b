import type { ObjectStore } from '../core/ports/object-store.ts';
import type { IgnoreRules } from './ignore-rules.ts';

/** Archive formats `extractArchive` reads. */
export type ArchiveFormat = 'tar.gz' | 'tar' | 'zip';

/** Counters reported while extracting. */
export interface ExtractProgress {
  /** Files stored so far. */
  files: number;
  /** Bytes of those files. */
  bytes: number;
  /** Bytes read from the download so far (compressed). */
  downloadedBytes: number;
}

/** Options of `extractArchive`. */
export interface ExtractOptions {
  format: ArchiveFormat;
  /** The download, already wrapped in `limitBytes` by the caller. Read once, never held whole. */
  source: AsyncIterable<Uint8Array>;
  store: ObjectStore;
  /** Where entries land, under their raw archive path, e.g. `staging/owner/repo/run-123/` (ends with `/`). */
  stagingPrefix: string;
  /** Rules for paths to leave out, matched relative to the root folder when the archive has one. */
  ignore: IgnoreRules | null;
  limits: {
    /** Most bytes of file content stored (`sync.maxExtractedBytes`). */
    maxExtractedBytes: number;
    /** Most files stored (`sync.maxFiles`). */
    maxFiles: number;
  };
  /** Local folder for temporary files: zip archives need random access, so they are spooled to disk. */
  scratchFolder: string;
  signal?: AbortSignal;
  /** Called at most about ten times a second, and once at the end. */
  onProgress?: (progress: ExtractProgress) => void;
  /** Debug-level notes, e.g. a skipped link that pointed outside the release. */
  onWarning?: (message: string) => void;
  /** Parallel `put` calls; 8 by default. */
  concurrency?: number;
}

/** What `extractArchive` stored and left out. */
export interface ExtractResult {
  /** Files stored under the staging prefix (a path the archive repeats counts each time). */
  files: number;
  /** Bytes of those files. */
  bytes: number;
  /**
   * The archive's single top-level folder (GitHub's `owner-repo-sha`) when every entry sits inside it,
   * else `null`. The release's files are then under `stagingPrefix + rootFolder + '/'`.
   */
  rootFolder: string | null;
  skipped: {
    /** Files left out by the ignore rules. */
    ignored: number;
    /** Symbolic and hard links: never written. */
    links: number;
    /** Devices, FIFOs and other entries that are neither files, folders nor links. */
    special: number;
    /** Folder entries: object stores have no folders. */
    directories: number;
  };
}

/** What kind of thing an archive entry is. */
export type ArchiveEntryKind = 'file' | 'directory' | 'symbolic-link' | 'hard-link' | 'special';

/** One archive entry's header, as the format readers describe it to `ReleaseStager`. */
export interface ArchiveEntry {
  /** The path exactly as the archive spells it. */
  rawPath: string;
  kind: ArchiveEntryKind;
  /** Body size declared by the header, in bytes. */
  size: number;
  /** Where a link points, as the archive spells it (symbolic links: relative to the link's folder). */
  linkTarget?: string;
}
