import type { RepoRecord, SyncStatus } from '../core/ports/catalog.ts';
import type { ReleaseArchive } from '../core/ports/release-source.ts';
import { parseRepoId } from '../core/repo-id.ts';
import { extractRelease } from './extract-release.ts';
import { finishRelease } from './finish-release.ts';
import { loadIgnoreRules } from './load-ignore-rules.ts';
import type { SyncContext, SyncOptions } from './sync-types.ts';

/** What a check found, before timing and error fields are added. */
export interface CheckOutcome {
  status: Exclude<SyncStatus, 'failed'>;
  tag: string | null;
  previousTag: string | null;
  files: number;
  bytes: number;
  skipped: number;
}

/**
 * Asks the release source for the latest release (conditionally, with the stored ETag) and extracts it
 * when it is new. Throws on failure; the caller records it.
 */
export async function checkForRelease(
  repo: RepoRecord,
  context: SyncContext,
  options: SyncOptions,
  runId: string,
): Promise<CheckOutcome> {
  const name = parseRepoId(repo.id);
  // A malformed ignore file is the user's to fix: fail before spending any download.
  const ignore = await loadIgnoreRules(repo, context);
  context.onProgress?.({
    repoId: repo.id,
    phase: 'checking',
    files: 0,
    bytes: 0,
    downloadedBytes: 0,
    totalBytes: null,
  });
  const useEtag = !options.force && repo.version !== null && repo.status !== 'failed';
  const latest = await context.releases.latest(
    { ...name, track: repo.track, etag: useEtag ? repo.etag : null, asset: repo.asset },
    options.signal,
  );
  const checkedAt = context.clock().toISOString();
  if (latest.state === 'not-modified') {
    await context.catalog.updateRepo(repo.id, { status: 'unchanged', error: null, lastCheckedAt: checkedAt });
    return unchanged(repo);
  }
  if (latest.state === 'none') {
    await context.catalog.updateRepo(repo.id, {
      status: 'no-release',
      error: null,
      etag: latest.etag,
      lastCheckedAt: checkedAt,
    });
    return { status: 'no-release', tag: null, previousTag: repo.version, files: 0, bytes: 0, skipped: 0 };
  }
  if (latest.tag === repo.version && !options.force) {
    await context.catalog.updateRepo(repo.id, {
      status: 'unchanged',
      error: null,
      etag: latest.etag,
      lastCheckedAt: checkedAt,
    });
    return unchanged(repo);
  }
  return extractAndRecord(repo, context, options, runId, {
    tag: latest.tag,
    etag: latest.etag,
    archive: latest.archive,
    ignore,
  });
}

async function extractAndRecord(
  repo: RepoRecord,
  context: SyncContext,
  options: SyncOptions,
  runId: string,
  release: {
    tag: string;
    etag: string | null;
    archive: ReleaseArchive;
    ignore: Awaited<ReturnType<typeof loadIgnoreRules>>;
  },
): Promise<CheckOutcome> {
  const extracted = await extractRelease(repo, context, { ...release, runId, signal: options.signal });
  const now = context.clock().toISOString();
  await context.catalog.updateRepo(repo.id, {
    version: release.tag,
    modified: now,
    lastCheckedAt: now,
    etag: release.etag,
    status: 'updated',
    error: null,
    files: extracted.files,
    bytes: extracted.bytes,
  });
  await finishRelease(repo, context, release.tag, runId, extracted);
  const previousTag = repo.version === release.tag ? null : repo.version;
  return {
    status: 'updated',
    tag: release.tag,
    previousTag,
    files: extracted.files,
    bytes: extracted.bytes,
    skipped: extracted.skipped,
  };
}

function unchanged(repo: RepoRecord): CheckOutcome {
  return {
    status: 'unchanged',
    tag: repo.version,
    previousTag: null,
    files: repo.files,
    bytes: repo.bytes,
    skipped: 0,
  };
}
