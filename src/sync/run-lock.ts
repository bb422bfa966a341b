import { takeCatalogLock } from '../core/catalog-lock.ts';
import { ConflictError } from '../core/errors/index.ts';
import type { Catalog, LockHolder } from '../core/ports/catalog.ts';
import type { Logger } from '../core/ports/logger.ts';
import type { LockIdentity } from './repository-lock.ts';
import { repositoryLockPurpose, repositoryLockResource } from './repository-lock.ts';

// A sync run's steps may each run in another process (one Lambda invocation per step on AWS), so the
// repository's lock cannot be a handle held in memory. The check step takes it with a token that names
// the run (`<process instance>:run-<run id>`); the token travels in the step payloads; promote releases it
// when the run is done, the check when there is nothing new, record-failure when a step failed. A
// process that dies between steps leaves the lock until `sync.lockTimeoutMinutes` has passed, when the
// next check takes it over (`takeCatalogLock`): that timeout must exceed the longest run.

/** What a step found when it looked at the repository's lock (see {@link probeRunLock}). */
export type RunLockState =
  /** The run holds the lock with `token`. */
  | { state: 'held'; token: string }
  /** Nobody held the lock; the probe took it for the run with `token`, which must now be released. */
  | { state: 'taken'; token: string }
  /** Another run or process holds the lock. */
  | { state: 'other'; holder: LockHolder };

/**
 * Takes the repository's lock for the run `runId` and returns its token. A lock the run already holds (a
 * check retried after it died) is kept; one held by anyone else is taken over only when its holder is
 * gone, as `takeCatalogLock` decides, and is otherwise a `ConflictError` naming the holder.
 */
export async function lockRepositoryForRun(
  catalog: Catalog,
  repoId: string,
  runId: string,
  identity: LockIdentity,
): Promise<string> {
  const probe = await probeRunLock(catalog, repoId, runId, identity);
  if (probe.state !== 'other') return probe.token;
  await takeCatalogLock(
    catalog,
    repositoryLockResource(repoId),
    { ...identity, newToken: () => runTokenSuffix(runId) },
    repositoryLockPurpose(repoId),
  );
  // takeCatalogLock names holders `<instance>:<newToken()>`, the form runLockToken builds.
  return runLockToken(identity, runId);
}

/**
 * Makes sure the run still holds the repository's lock before a later step touches the repository. A lock
 * that lapsed with nobody taking it is taken again (the promote step's own checks guard the catalog); one
 * another process took over is a `ConflictError`, and the step must leave the repository alone.
 */
export async function confirmRunLock(
  catalog: Catalog,
  run: { repoId: string; runId: string; lockToken: string },
  identity: LockIdentity,
  logger: Logger,
): Promise<void> {
  const attempt = await catalog.tryLock(
    repositoryLockResource(run.repoId),
    holderOf(identity, run.lockToken),
  );
  if (attempt.acquired) {
    logger.warn({ repo: run.repoId, run: run.runId }, "the run's lock had lapsed; took it again");
    return;
  }
  if (attempt.holder.token === run.lockToken) return;
  const other = attempt.holder;
  throw new ConflictError(
    `Repository ${run.repoId} is now being synced by process ${other.pid} on ${other.host} (since ${other.acquiredAt}): run ${run.runId} held its lock longer than sync.lockTimeoutMinutes and lost it.`,
    { hint: 'Raise sync.lockTimeoutMinutes above the longest sync, then sync again.' },
  );
}

/**
 * Finds out whether the run `runId` holds the repository's lock, without waiting or breaking anything. A
 * free lock is taken by the probe (the catalog can only test a lock by trying to take it).
 */
export async function probeRunLock(
  catalog: Catalog,
  repoId: string,
  runId: string,
  identity: LockIdentity,
): Promise<RunLockState> {
  const token = runLockToken(identity, runId);
  const attempt = await catalog.tryLock(repositoryLockResource(repoId), holderOf(identity, token));
  if (attempt.acquired) return { state: 'taken', token };
  if (attempt.holder.token.endsWith(`:${runTokenSuffix(runId)}`))
    return { state: 'held', token: attempt.holder.token };
  return { state: 'other', holder: attempt.holder };
}

/** Releases the run's lock; a token that no longer holds it does nothing (so releasing twice is safe). */
export async function releaseRunLock(
  catalog: Catalog,
  repoId: string,
  token: string,
  logger: Logger,
): Promise<void> {
  try {
    await catalog.releaseLock(repositoryLockResource(repoId), token);
  } catch (error) {
    // The lock expires after sync.lockTimeoutMinutes; the run's work is done either way.
    logger.warn(
      { repo: repoId, error: error instanceof Error ? error.message : String(error) },
      'could not release the lock',
    );
  }
}

function runTokenSuffix(runId: string): string {
  return `run-${runId}`;
}

function runLockToken(identity: LockIdentity, runId: string): string {
  return `${identity.instance}:${runTokenSuffix(runId)}`;
}

function holderOf(identity: LockIdentity, token: string): LockHolder {
  return { token, pid: identity.pid, host: identity.host, acquiredAt: identity.clock().toISOString() };
}
