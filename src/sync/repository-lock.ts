import { ConflictError } from '../core/errors/index.ts';
import type { Catalog, LockHolder } from '../core/ports/catalog.ts';

/** How this process identifies itself in locks, and how it tells whether another local process lives. */
export interface LockIdentity {
  pid: number;
  host: string;
  /** True when a process with this id runs on this host (signal 0). */
  isProcessAlive(pid: number): boolean;
  newToken(): string;
  clock(): Date;
}

/** A held lock; call `release` exactly once. */
export interface HeldLock {
  release(): Promise<void>;
}

/**
 * Takes the catalog lock that lets one process at a time sync a repository. A lock left by a process
 * that died on this host (kill -9, power loss) is broken; a live holder is reported as a
 * `ConflictError` naming its process, host and start time.
 */
export async function lockRepository(
  catalog: Catalog,
  repoId: string,
  identity: LockIdentity,
): Promise<HeldLock> {
  const resource = `sync:${repoId.toLowerCase()}`;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const holder: LockHolder = {
      token: identity.newToken(),
      pid: identity.pid,
      host: identity.host,
      acquiredAt: identity.clock().toISOString(),
    };
    const result = await catalog.tryLock(resource, holder);
    if (result.acquired) return { release: () => catalog.releaseLock(resource, holder.token) };
    const other = result.holder;
    const deadHere = other.host === identity.host && !identity.isProcessAlive(other.pid);
    if (!deadHere) {
      throw new ConflictError(
        `Repository ${repoId} is being synced by process ${other.pid} on ${other.host} (since ${other.acquiredAt}).`,
        { hint: 'Wait for that sync to finish, or stop that process and run again.' },
      );
    }
    await catalog.breakLock(resource, other.token);
  }
  throw new ConflictError(`Could not lock repository ${repoId}: other processes keep taking the lock.`, {
    hint: 'Run again when the other syncs have finished.',
  });
}
