import type { LockPurpose } from '../core/catalog-lock.ts';

export type { LockIdentity } from '../core/catalog-lock.ts';

/** The catalog lock resource of a repository's sync; ids differing only in case share it. */
export function repositoryLockResource(repoId: string): string {
  return `sync:${repoId.toLowerCase()}`;
}

/** How a busy repository lock is explained to the user (see `takeCatalogLock`). */
export function repositoryLockPurpose(repoId: string): LockPurpose {
  return {
    busy: `Repository ${repoId} is being synced`,
    hint: 'Wait for that sync to finish, or stop that process and run again.',
  };
}
