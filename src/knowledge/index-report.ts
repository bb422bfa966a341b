/** Why a file was left out of the index. */
export type SkippedReason =
  | 'binary'
  | 'generated'
  | 'minified'
  | 'too-large'
  | 'unsupported'
  | 'vanished'
  | 'unreadable';

/** What one indexing run did, for the CLI and for logs. */
export interface IndexReport {
  source: string;
  version: string;
  /** Files chunked and written (new or changed). */
  indexed: number;
  /** Files whose content hash matched what the index holds: neither re-chunked nor re-embedded. */
  unchanged: number;
  /** Documents removed (or archived) because their file is gone. */
  removed: number;
  skipped: Partial<Record<SkippedReason, number>>;
  chunks: number;
  /** Chunks written without a vector because the embedding model failed (filled on a later run). */
  vectorsPending: number;
  /** Files indexed even though some bytes were not valid UTF-8 (they read as U+FFFD). */
  invalidUtf8Files: number;
  /** One line per problem worth telling the user (file and reason). */
  warnings: string[];
  /** `true` when the run was stopped before it finished (removals are then left to the next run). */
  interrupted: boolean;
}

/** An empty report for a run over `source` at `version`. */
export function emptyReport(source: string, version: string): IndexReport {
  return {
    source,
    version,
    indexed: 0,
    unchanged: 0,
    removed: 0,
    skipped: {},
    chunks: 0,
    vectorsPending: 0,
    invalidUtf8Files: 0,
    warnings: [],
    interrupted: false,
  };
}

/** Counts one skipped file. */
export function countSkipped(report: IndexReport, reason: SkippedReason): void {
  report.skipped[reason] = (report.skipped[reason] ?? 0) + 1;
}
