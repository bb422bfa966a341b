/** Who holds a lock. */
export interface LockHolder {
  /** Unique per acquisition. */
  token: string;
  pid: number;
  host: string;
  acquiredAt: string;
}

/** Result of {@link LockCatalog.tryLock}. */
export type LockAttempt = { acquired: true } | { acquired: false; holder: LockHolder };

/**
 * Named locks that processes sharing a catalog (on one machine or many) use to take turns: one sync per
 * repository, one crawl per site. Whether a holder is gone is decided by `takeCatalogLock`; the catalog
 * only stores holders atomically.
 *
 * Contract (checked by `lock-catalog.contract.ts`):
 * - `tryLock` is atomic across processes sharing the catalog: exactly one caller acquires a free
 *   resource; the others are told who holds it.
 * - `releaseLock` with a token that does not hold the lock does nothing.
 * - `breakLock` removes the lock only if it is still held with the given token (so two breakers cannot
 *   both win) and says whether it did.
 */
export interface LockCatalog {
  tryLock(resource: string, holder: LockHolder): Promise<LockAttempt>;
  releaseLock(resource: string, token: string): Promise<void>;
  breakLock(resource: string, token: string): Promise<boolean>;
}
