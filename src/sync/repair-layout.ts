import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import type { RepoRecord } from '../core/ports/catalog.ts';
import { parseRepoId } from '../core/repo-id.ts';
import { restoreLayout } from './restore-layout.ts';
import type { SyncContext } from './sync-types.ts';

/**
 * Puts the folders back to the version the catalog records now (it may already name the new release if
 * the failure came after the catalog update). When that version's files are gone altogether, the
 * catalog forgets it, so the next check downloads the release again instead of answering "unchanged".
 * The caller holds the repository's lock.
 */
export async function repairLayout(
  repo: Pick<RepoRecord, 'id' | 'version'>,
  context: Pick<SyncContext, 'catalog' | 'store' | 'logger'>,
): Promise<void> {
  const recorded = (await context.catalog.getRepo(repo.id)) ?? repo;
  const { recordedVersionPresent } = await restoreLayout(
    context.store,
    parseRepoId(repo.id),
    recorded.version,
    context.logger,
  );
  if (recorded.version !== null && !recordedVersionPresent) {
    context.logger.warn(
      { repo: repo.id, tag: recorded.version },
      'the recorded version is missing; it will be downloaded again',
    );
    await context.catalog.updateRepo(repo.id, { version: null, etag: null, files: 0, bytes: 0 });
  }
}

/**
 * A run that died (kill -9, power loss, a Lambda that timed out with no failure recorded) left `running`
 * in the catalog, or a failed run may have left files behind: tidy up before a new run starts. The
 * caller holds the repository's lock, so no live run is mistaken for a dead one.
 */
export async function recoverFromInterruptedRun(repo: RepoRecord, context: SyncContext): Promise<void> {
  const [lastRun] = await context.catalog.listSyncRuns({ repoId: repo.id, limit: 1 });
  if (lastRun === undefined || (lastRun.status !== 'running' && lastRun.status !== 'failed')) return;
  await repairLayout(repo, context);
  if (lastRun.status !== 'running') return;
  context.logger.warn(
    { repo: repo.id, run: lastRun.id },
    'the previous sync was interrupted; cleaned up after it',
  );
  await rm(path.join(context.scratchFolder, lastRun.id), { recursive: true, force: true });
  await context.catalog.finishSyncRun(lastRun.id, {
    finishedAt: context.clock().toISOString(),
    status: 'failed',
    tag: lastRun.tag,
    previousTag: lastRun.previousTag,
    files: 0,
    bytes: 0,
    skipped: 0,
    durationMs: null,
    error: 'Interrupted before it finished (the process stopped).',
  });
}
