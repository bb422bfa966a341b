import type {
  ConversationRecord,
  LockHolder,
  MessageRecord,
  MessageRole,
  RepoOrigin,
  RepoRecord,
  SyncRunRecord,
  SyncStatus,
  TrackMode,
} from '../../core/ports/catalog.ts';

// The casts from TEXT columns to union types below are safe because the schema's CHECK constraints
// only let those values in (see sqlite-catalog-migrations.ts).

/** A `repos` row as SQLite stores it: snake_case columns, booleans as 0 or 1. */
export interface RepoRow {
  id: string;
  enabled: number;
  ignore_file: string | null;
  track: string;
  asset: string | null;
  version: string | null;
  modified: string | null;
  last_checked_at: string | null;
  etag: string | null;
  status: string | null;
  error: string | null;
  files: number;
  bytes: number;
  origin: string;
}

/** Turns a `repos` row into the record the port speaks. */
export function repoFromRow(row: RepoRow): RepoRecord {
  return {
    id: row.id,
    enabled: row.enabled === 1,
    ignoreFile: row.ignore_file,
    track: row.track as TrackMode,
    asset: row.asset,
    version: row.version,
    modified: row.modified,
    lastCheckedAt: row.last_checked_at,
    etag: row.etag,
    status: row.status as SyncStatus | null,
    error: row.error,
    files: row.files,
    bytes: row.bytes,
    origin: row.origin as RepoOrigin,
  };
}

/** Turns a repository record into the `repos` row that stores it. */
export function repoToRow(record: RepoRecord): RepoRow {
  return {
    id: record.id,
    enabled: record.enabled ? 1 : 0,
    ignore_file: record.ignoreFile,
    track: record.track,
    asset: record.asset,
    version: record.version,
    modified: record.modified,
    last_checked_at: record.lastCheckedAt,
    etag: record.etag,
    status: record.status,
    error: record.error,
    files: record.files,
    bytes: record.bytes,
    origin: record.origin,
  };
}

/** A `sync_runs` row as SQLite stores it. */
export interface SyncRunRow {
  id: string;
  repo_id: string;
  started_at: string;
  finished_at: string | null;
  status: string;
  tag: string | null;
  previous_tag: string | null;
  files: number;
  bytes: number;
  skipped: number;
  duration_ms: number | null;
  error: string | null;
}

/** Turns a `sync_runs` row into the record the port speaks. */
export function syncRunFromRow(row: SyncRunRow): SyncRunRecord {
  return {
    id: row.id,
    repoId: row.repo_id,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    status: row.status as SyncRunRecord['status'],
    tag: row.tag,
    previousTag: row.previous_tag,
    files: row.files,
    bytes: row.bytes,
    skipped: row.skipped,
    durationMs: row.duration_ms,
    error: row.error,
  };
}

/** Turns a sync run record into the `sync_runs` row that stores it. */
export function syncRunToRow(record: SyncRunRecord): SyncRunRow {
  return { ...syncRunResultToRow(record.id, record), repo_id: record.repoId, started_at: record.startedAt };
}

/** The columns a finished run sets, keyed by the run's `id`. */
export type SyncRunResultRow = Omit<SyncRunRow, 'repo_id' | 'started_at'>;

/** Turns the outcome of run `id` into the `sync_runs` columns that store it. */
export function syncRunResultToRow(
  id: string,
  result: Omit<SyncRunRecord, 'id' | 'repoId' | 'startedAt'>,
): SyncRunResultRow {
  return {
    id,
    finished_at: result.finishedAt,
    status: result.status,
    tag: result.tag,
    previous_tag: result.previousTag,
    files: result.files,
    bytes: result.bytes,
    skipped: result.skipped,
    duration_ms: result.durationMs,
    error: result.error,
  };
}

/** A `locks` row as SQLite stores it. */
export interface LockRow {
  resource: string;
  token: string;
  pid: number;
  host: string;
  acquired_at: string;
}

/** Turns a `locks` row into the holder the port speaks of. */
export function lockHolderFromRow(row: LockRow): LockHolder {
  return { token: row.token, pid: row.pid, host: row.host, acquiredAt: row.acquired_at };
}

/** Turns a lock on `resource` held by `holder` into the `locks` row that stores it. */
export function lockHolderToRow(resource: string, holder: LockHolder): LockRow {
  return {
    resource,
    token: holder.token,
    pid: holder.pid,
    host: holder.host,
    acquired_at: holder.acquiredAt,
  };
}

/** A `conversations` row as SQLite stores it. */
export interface ConversationRow {
  id: string;
  owner: string | null;
  title: string;
  created_at: string;
  updated_at: string;
  message_count: number;
}

/** Turns a `conversations` row into the record the port speaks. */
export function conversationFromRow(row: ConversationRow): ConversationRecord {
  return {
    id: row.id,
    owner: row.owner,
    title: row.title,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    messageCount: row.message_count,
  };
}

/** Turns a conversation record into the `conversations` row that stores it. */
export function conversationToRow(record: ConversationRecord): ConversationRow {
  return {
    id: record.id,
    owner: record.owner,
    title: record.title,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
    message_count: record.messageCount,
  };
}

/** A `conversation_messages` row as SQLite stores it: metadata as JSON text. */
export interface MessageRow {
  conversation_id: string;
  seq: number;
  role: string;
  content: string;
  metadata: string;
  created_at: string;
}

/** Turns a `conversation_messages` row into the record the port speaks. */
export function messageFromRow(row: MessageRow): MessageRecord {
  return {
    conversationId: row.conversation_id,
    seq: row.seq,
    role: row.role as MessageRole,
    content: row.content,
    // The schema only lets a JSON object in, so parsing cannot fail nor yield another shape.
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    createdAt: row.created_at,
  };
}
