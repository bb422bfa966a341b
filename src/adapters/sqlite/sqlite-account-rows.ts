import type { ApiKeyRecord, SessionRecord, UserRecord, UserRole } from '../../core/ports/catalog.ts';

/** A `users` row as SQLite stores it. */
export interface UserRow {
  id: string;
  role: string;
  password_hash: string;
  created_at: string;
}

/** Turns a `users` row into the record the port speaks. */
export function userFromRow(row: UserRow): UserRecord {
  return {
    id: row.id,
    // Safe: the schema's CHECK constraint only lets the two roles in.
    role: row.role as UserRole,
    passwordHash: row.password_hash,
    createdAt: row.created_at,
  };
}

/** Turns a user record into the `users` row that stores it. */
export function userToRow(record: UserRecord): UserRow {
  return {
    id: record.id,
    role: record.role,
    password_hash: record.passwordHash,
    created_at: record.createdAt,
  };
}

/** An `api_keys` row as SQLite stores it. */
export interface ApiKeyRow {
  id: string;
  user_id: string;
  name: string;
  secret_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

/** Turns an `api_keys` row into the record the port speaks. */
export function apiKeyFromRow(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    secretHash: row.secret_hash,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  };
}

/** Turns an API key record into the `api_keys` row that stores it. */
export function apiKeyToRow(record: ApiKeyRecord): ApiKeyRow {
  return {
    id: record.id,
    user_id: record.userId,
    name: record.name,
    secret_hash: record.secretHash,
    created_at: record.createdAt,
    last_used_at: record.lastUsedAt,
    revoked_at: record.revokedAt,
  };
}

/** A `sessions` row as SQLite stores it. */
export interface SessionRow {
  id: string;
  user_id: string;
  created_at: string;
  expires_at: string;
}

/** Turns a `sessions` row into the record the port speaks. */
export function sessionFromRow(row: SessionRow): SessionRecord {
  return { id: row.id, userId: row.user_id, createdAt: row.created_at, expiresAt: row.expires_at };
}

/** Turns a session record into the `sessions` row that stores it. */
export function sessionToRow(record: SessionRecord): SessionRow {
  return {
    id: record.id,
    user_id: record.userId,
    created_at: record.createdAt,
    expires_at: record.expiresAt,
  };
}
