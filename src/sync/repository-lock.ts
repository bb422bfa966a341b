import { type HeldLock, type LockIdentity, takeCatalogLock } from '../core/catalog-lock.ts';
import type { Catalog } from '../core/ports/catalog.ts';

export type { HeldLock, LockIdentity } from '../core/catalog-lock.ts';

/**
 * Takes the catalog lock that lets one process at a time sync a repository (see `takeCatalogLock`: a
 * lock left by a process that is gone is broken, a live holder is a `ConflictError`).
 */
export async function lockRepository(
  catalog: Catalog,
  repoId: string,
  identity: LockIdentity,
): Promise<HeldLock> {
  return takeCatalogLock(catalog, `sync:${repoId.toLowerCase()}`, identity, {
    busy: `Repository ${repoId} is being synced`,
    hint: 'Wait for that sync to finish, or stop that process and run again.',
  });
}
