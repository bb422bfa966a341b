import type { SqlQueryable } from './sql-client.ts';

/** First half of every advisory lock key Quarry takes, so its locks never collide with other programs'. */
const quarryLockNamespace = 0x51_72_72_79;

/**
 * Takes PostgreSQL's transaction-scoped advisory lock for `name` (a table prefix), waiting for other
 * holders. Writers of one index (and its migrations) then run one at a time, as they do on SQLite, so
 * two processes never race to insert the same document or drop a table another is filling. The lock is
 * released when the transaction ends.
 */
export async function takeWriteLock(transaction: SqlQueryable, name: string): Promise<void> {
  await transaction.query('SELECT pg_advisory_xact_lock($1::integer, $2::integer)', [
    quarryLockNamespace,
    lockNumber(name),
  ]);
}

/** FNV-1a of the name as a signed 32-bit integer: stable across processes and releases. */
function lockNumber(name: string): number {
  let hash = 0x81_1c_9d_c5;
  for (const byte of new TextEncoder().encode(name)) {
    hash = Math.imul(hash ^ byte, 0x01_00_01_93);
  }
  return hash | 0;
}
