import { ConflictError } from './errors/index.ts';
import type { Catalog, LockHolder } from './ports/catalog.ts';

/** How this process identifies itself in locks, and how it tells whether another local process lives. */
export interface LockIdentity {
  pid: number;
  host: string;
  /** Random per process start: tells this process from an earlier one that had the same pid (containers). */
  instance: string;
  /** A lock older than this is taken over whoever holds it (a holder on another host cannot be checked). */
  staleAfterMs: number;
  /** True when a process with this id runs on this host (signal 0). */
  isProcessAlive(pid: number): boolean;
  newToken(): string;
  clock(): Date;
}

/** A held lock; call `release` exactly once. */
export interface HeldLock {
  release(): Promise<void>;
}

/** What a lock is for, in words: `Repository acme/widgets is being synced`. */
export interface LockPurpose {
  /** The sentence start for a busy lock, e.g. `Repository acme/widgets is being synced`. */
  busy: string;
  /** What to do when it is busy. */
  hint: string;
}

/**
 * A holder is gone when it ran on this host and its process is dead, or when it had this process's pid
 * but was an earlier process (a restarted container is pid 1 again); any lock older than
 * `staleAfterMs` is abandoned too, since a holder on another host cannot be checked.
 */
function isStale(holder: LockHolder, identity: LockIdentity): boolean {
  const age = identity.clock().getTime() - Date.parse(holder.acquiredAt);
  if (!(age < identity.staleAfterMs)) return true;
  if (holder.host !== identity.host) return false;
  if (holder.pid === identity.pid) return !holder.token.startsWith(`${identity.instance}:`);
  return !identity.isProcessAlive(holder.pid);
}

/**
 * Takes a catalog lock so that one process at a time works on `resource`. A lock left by a process that
 * is gone (see `isStale`) is broken; a live holder is reported as a `ConflictError` naming its process,
 * host and start time.
 */
export async function takeCatalogLock(
  catalog: Catalog,
  resource: string,
  identity: LockIdentity,
  purpose: LockPurpose,
): Promise<HeldLock> {
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const holder: LockHolder = {
      token: `${identity.instance}:${identity.newToken()}`,
      pid: identity.pid,
      host: identity.host,
      acquiredAt: identity.clock().toISOString(),
    };
    const result = await catalog.tryLock(resource, holder);
    if (result.acquired) return { release: () => catalog.releaseLock(resource, holder.token) };
    const other = result.holder;
    if (!isStale(other, identity)) {
      throw new ConflictError(
        `${purpose.busy} by process ${other.pid} on ${other.host} (since ${other.acquiredAt}).`,
        { hint: purpose.hint },
      );
    }
    await catalog.breakLock(resource, other.token);
  }
  throw new ConflictError(`${purpose.busy}: other processes keep taking the lock.`, { hint: purpose.hint });
}
